import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { customerKeys, decide, readEvidence } from '../../policy/index.js';
import { decisionView } from '../../requests/decision-view.js';
import { findEarlierEmergencies } from '../../requests/earlier-emergencies.js';
import { countRecentIssues, findRefusedBefore } from '../../requests/guardrail-history.js';
import { submissionSchema } from '../../requests/submission.js';
import { gatherTicketEvidence } from '../../requests/ticket-evidence.js';
import { principalOf } from '../auth/authenticate.js';
import type { HttpContext } from '../http-context.js';

/** The policy's answer for a request, without recording or doing anything: the live check. */
export function eligibilityRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.post(
      '/api/v1/eligibility',
      {
        schema: {
          summary: 'Check a request against the policy, with no side effects',
          tags: ['requests'],
          body: submissionSchema,
        },
      },
      async (request) => {
        principalOf(request);
        const body = request.body;
        const today = ctx.clock.today();
        const gathered = await gatherTicketEvidence(
          ctx.submit.ticketDesk,
          body.ticket.id,
          body.evidence,
          ctx.evidenceKeys,
        );
        const reading = readEvidence(gathered.evidence, ctx.evidenceKeys);
        const keys = customerKeys(
          body.customerEmail,
          reading.ok ? reading.facts : undefined,
          ctx.policy,
        );
        const earlier = await findEarlierEmergencies(
          ctx.store.db,
          keys,
          today,
          ctx.policy.repeatPeriodDays,
        );
        const decision = decide(
          {
            today,
            customerEmail: body.customerEmail,
            userCount: body.userCount,
            evidence: gathered.evidence,
            earlierEmergencies: earlier,
            ...(gathered.ticketEvidence && { ticketEvidence: gathered.ticketEvidence }),
            recentIssues: await countRecentIssues(
              ctx.store.db,
              principalOf(request).name,
              ctx.clock.now(),
            ),
            refusedBefore: await findRefusedBefore(ctx.store.db, keys),
          },
          ctx.evidenceKeys,
          ctx.policy,
        );
        return decisionView(decision);
      },
    );
    done();
  };
}
