import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { decisionView } from '../../requests/decision-view.js';
import { previewDecision } from '../../requests/preview-decision.js';
import { submissionSchema } from '../../requests/submission.js';
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
        const decision = await previewDecision(
          ctx.store.db,
          {
            clock: ctx.clock,
            policy: ctx.policy,
            evidenceKeys: ctx.evidenceKeys,
            ...(ctx.submit.ticketDesk && { ticketDesk: ctx.submit.ticketDesk }),
          },
          request.body,
          principalOf(request).name,
        );
        return decisionView(decision);
      },
    );
    done();
  };
}
