import type { FastifyPluginCallback } from 'fastify';
import { sql } from 'kysely';
import { probeWrite } from '../../store/probe-write.js';
import type { HttpContext } from '../http-context.js';

/**
 * Liveness, readiness (the database answers and takes a write) and Prometheus metrics. No
 * authentication.
 */
export function healthRoutes(ctx: HttpContext): FastifyPluginCallback {
  return (app, _options, done) => {
    app.get('/healthz', { schema: { hide: true } }, () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      const notReady = (message: string) =>
        reply.status(503).send({ error: { code: 'NOT_READY', message } });
      try {
        await sql`select 1`.execute(ctx.store.db);
      } catch {
        return notReady('The database does not answer.');
      }
      try {
        await probeWrite(ctx.store, ctx.clock.now());
      } catch (error) {
        if (!ctx.storage.noteError(error)) return notReady('The database refuses writes.');
      }
      // A recent refused write counts too: a small probe may fit where a request does not.
      const storage = ctx.storage.problem();
      if (storage) return notReady(storage);
      // A remote that does not answer leaves the service ready (requests are accepted and
      // their licenses made); its circuit says which steps wait. The circuits are read from
      // the database, where every worker keeps them: this process may run no worker.
      await ctx.circuits?.refresh().catch(() => undefined);
      return {
        status: 'ready',
        database: ctx.store.dialect,
        ...(ctx.circuits && {
          remotes: ctx.circuits.states().map((circuit) => ({
            ...circuit,
            ...(circuit.retryAt !== undefined && {
              retryAt: new Date(circuit.retryAt).toISOString(),
            }),
            ...(circuit.since !== undefined && { since: new Date(circuit.since).toISOString() }),
          })),
        }),
      };
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      return reply.type(ctx.metrics.contentType).send(await ctx.metrics.metrics());
    });
    done();
  };
}
