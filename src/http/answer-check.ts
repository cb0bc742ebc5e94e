import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

/** An answer its route's schema does not describe: a status it omits, or a body of another shape. */
export type UndeclaredAnswer = (finding: string) => void;

/**
 * Holds every answer to its route's declared `response` schema and reports what `/docs` would
 * not tell a client: a status it omits, or a JSON body the schema for that status does not
 * parse. Turned on by tests (an app option); in production answers are only serialized.
 * Routes hidden from `/docs` (health, the console's files, the docs themselves) and unknown
 * routes (the not-found answer) are not held to a schema.
 */
export function checkAnswers(report: UndeclaredAnswer) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const route = request.routeOptions;
    const schema = route.schema as
      { hide?: boolean; response?: Record<string, z.ZodType> } | undefined;
    if (request.is404 || !route.url || schema?.hide) return payload;
    const where = `${request.method} ${route.url}`;
    const status = reply.statusCode;
    const declared = schema?.response?.[String(status)];
    if (!declared) {
      report(`${where} answered ${status}, which its schema does not declare`);
      return payload;
    }
    const type = String(reply.getHeader('content-type') ?? '');
    if (typeof payload === 'string' && type.includes('json')) {
      const parsed = declared.safeParse(JSON.parse(payload));
      if (!parsed.success)
        report(
          `${where} answered ${status} with a body its schema does not describe: ${parsed.error.message} in ${payload.slice(0, 300)}`,
        );
    }
    return payload;
  };
}
