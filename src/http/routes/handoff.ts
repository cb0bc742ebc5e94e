import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { handoffOnDemand } from '../../handoff/handoff-work.js';
import { ApiError } from '../api-error.js';
import { answers, refusedCall } from '../answers.js';
import { handoffAnswer } from '../answer-schemas.js';
import type { HttpContext } from '../http-context.js';

const query = z
  .object({
    since: z.string().max(40, 'since must be 3d, 12h, 90m or a date').optional(),
  })
  .strict();

/** The hand-off digest on demand: what the Monday digest says, for the period asked. */
export function handoffRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/api/v1/handoff',
      {
        schema: {
          summary:
            'The hand-off: requests since the last digest (or `since`: 3d, 12h, a date) and what needs a person',
          tags: ['handoff'],
          querystring: query,
          response: answers({ 200: handoffAnswer }, refusedCall),
        },
      },
      async (request) => {
        const digest = await handoffOnDemand(ctx.store, request.query.since, ctx.clock.now());
        if ('problem' in digest) {
          throw new ApiError('VALIDATION_FAILED', digest.problem, [
            { field: 'since', message: digest.problem },
          ]);
        }
        return digest;
      },
    );
    done();
  };
}
