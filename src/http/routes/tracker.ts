import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findTrackerIssues, trackerIssue } from '../../adapters/tracker/builtin-tracker-issues.js';
import { integerColumnMax } from '../../store/column-bounds.js';
import { answers, refusedCall } from '../answers.js';
import { trackerIssueAnswer, trackerIssueListAnswer } from '../answer-schemas.js';
import type { HttpContext } from '../http-context.js';

const query = z
  .object({
    state: z.enum(['open', 'closed'], { error: 'state must be open or closed' }).optional(),
    search: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** The built-in request issue tracker: what the handbook calls the internal request tracker. */
export function trackerRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/api/v1/tracker/issues',
      {
        schema: {
          summary: 'Issues of the built-in tracker, newest first',
          tags: ['tracker'],
          querystring: query,
          response: answers({ 200: trackerIssueListAnswer }, refusedCall),
        },
      },
      async (request) => findTrackerIssues(ctx.store.db, request.query),
    );
    app.get(
      '/api/v1/tracker/issues/:number',
      {
        schema: {
          summary: 'One tracker issue',
          tags: ['tracker'],
          params: z.object({
            number: z.coerce
              .number({ error: 'number must be a tracker issue number' })
              .int('number must be a tracker issue number')
              .min(1, 'number must be a tracker issue number (1 or more)')
              .max(
                integerColumnMax,
                `number must be a tracker issue number (at most ${integerColumnMax})`,
              ),
          }),
          response: answers({ 200: trackerIssueAnswer }, [...refusedCall, 'NOT_FOUND']),
        },
      },
      async (request) => trackerIssue(ctx.store.db, request.params.number),
    );
    done();
  };
}
