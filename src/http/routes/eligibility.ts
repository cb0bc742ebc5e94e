import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { checkEligibility } from '../../requests/commands/check-eligibility.js';
import { submissionSchema } from '../../requests/submission.js';
import { answers, refusedWrite } from '../answers.js';
import { decisionAnswer } from '../answer-schemas.js';
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
          response: answers({ 200: decisionAnswer }, refusedWrite),
        },
      },
      async (request) => checkEligibility(ctx.submit, request.body, principalOf(request).name),
    );
    done();
  };
}
