import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { buildDashboard } from '../../dashboard/dashboard-query.js';
import { parseSince, sinceSentence } from '../../handoff/handoff-digest.js';
import { ApiError } from '../api-error.js';
import { answers, refusedCall } from '../answers.js';
import type { HttpContext } from '../http-context.js';

/** Without `since`, the dashboard shows the last seven days: a weekend and the week before it. */
const defaultSince = '7d';

const query = z
  .object({
    since: z.string().max(40, 'since must be 7d, 12h, 90m or a date').optional(),
  })
  .strict();

const count = z.number().int().min(0);
const handoffLine = z.object({
  id: z.string(),
  createdAt: z.string(),
  ticket: z.object({ id: z.string(), url: z.string() }),
  customer: z.string(),
  customerEmail: z.string(),
  seats: z.number(),
  requester: z.string(),
  state: z.string(),
  cover: z.string().optional(),
  licenseEndsOn: z.string().optional(),
  failure: z.object({ step: z.string(), message: z.string() }).optional(),
  reason: z.enum(['failed', 'waiting', 'ending_soon']),
});

const answer = z.object({
  since: z.string(),
  generatedAt: z.string(),
  weekend: z.object({
    requests: count,
    issued: count,
    awaitingApproval: count,
    rejected: count,
    failed: count,
    byRequester: z.array(z.object({ requester: z.string(), count })),
  }),
  coversEndingSoon: z.array(
    z.object({
      requestId: z.string(),
      customerEmail: z.string(),
      temporaryLicenseEndsOn: z.string(),
      state: z.string(),
      daysLeft: z.number().int(),
    }),
  ),
  covers: z.object({ pending: count, extended: count, renewed: count, lapsed: count }),
  timeToRenewal: z.object({
    buckets: z.array(z.object({ upToDays: z.number().nullable(), count })),
    medianDays: z.number().nullable(),
  }),
  repeatCustomers: z.array(
    z.object({ customer: z.string(), requests: count, lastRequestAt: z.string() }),
  ),
  needsAPerson: z.array(handoffLine),
});

/** The console's home: the period at a glance, covers, time to renewal, repeat customers. */
export function dashboardRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/api/v1/dashboard',
      {
        schema: {
          summary:
            'The dashboard: requests since `since` (default 7d), covers ending soon and by state, time to renewal, repeat customers, what needs a person',
          tags: ['dashboard'],
          querystring: query,
          response: answers({ 200: answer }, [...refusedCall]),
        },
      },
      async (request) => {
        const now = ctx.clock.now();
        const text = request.query.since ?? defaultSince;
        const since = parseSince(text, now);
        if (since === undefined) {
          const problem = `${sinceSentence} (got "${text}").`;
          throw new ApiError('VALIDATION_FAILED', problem, [{ field: 'since', message: problem }]);
        }
        return buildDashboard(ctx.store.db, { since, now, today: ctx.clock.today() }, ctx.policy);
      },
    );
    done();
  };
}
