import type { FastifyPluginCallback } from 'fastify';
import { sql } from 'kysely';
import type { HttpContext } from '../http-context.js';

/** Liveness, readiness (the database answers) and Prometheus metrics. No authentication. */
export function healthRoutes(ctx: HttpContext): FastifyPluginCallback {
  return (app, _options, done) => {
    app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      try {
        await sql`select 1`.execute(ctx.store.db);
        return { status: 'ready', database: ctx.store.dialect };
      } catch {
        return reply
          .status(503)
          .send({ error: { code: 'NOT_READY', message: 'The database does not answer.' } });
      }
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      return reply.type(ctx.metrics.contentType).send(await ctx.metrics.metrics());
    });
    done();
  };
}
