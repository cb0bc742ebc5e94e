import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { searchAudit } from '../../audit/audit-store.js';
import { answers, refusedCall } from '../answers.js';
import { auditListAnswer } from '../answer-schemas.js';
import type { HttpContext } from '../http-context.js';

const query = z
  .object({
    actor: z.string().max(200).optional(),
    action: z.string().max(100).optional(),
    request: z.uuid({ error: 'request must be a request id (a UUID)' }).optional(),
    since: z
      .union([z.iso.date(), z.iso.datetime()], {
        error: 'since must be a date (YYYY-MM-DD) or an ISO date-time',
      })
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .regex(/^\d+$/, 'cursor must be a nextCursor this service gave out')
      .optional(),
  })
  .strict();

/** The audit log, newest first, for the licensing team and admins. */
export function auditRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/api/v1/audit',
      {
        schema: {
          summary: 'Audit log entries, newest first, with their hash chain',
          tags: ['audit'],
          querystring: query,
          response: answers({ 200: auditListAnswer }, refusedCall),
        },
      },
      async (request) => {
        const { actor, action, request: requestId, since, limit, cursor } = request.query;
        return searchAudit(ctx.store.db, {
          limit,
          ...(actor && { actor }),
          ...(action && { action }),
          ...(requestId && { requestId }),
          ...(since && { since: Date.parse(since) }),
          ...(cursor && { before: Number(cursor) }),
        });
      },
    );
    done();
  };
}
