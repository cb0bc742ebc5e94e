import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestStates, type RequestState } from '../../requests/request-life.js';
import { submissionSchema } from '../../requests/submission.js';
import { submitRequest } from '../../requests/submit-request.js';
import {
  downloadLicense,
  findRequests,
  showRequest,
} from '../../requests/commands/read-requests.js';
import { resend } from '../../requests/commands/resend.js';
import { retry } from '../../requests/commands/retry.js';
import { settle } from '../../requests/commands/settle.js';
import { answers, refusedCall, refusedWrite } from '../answers.js';
import {
  licenseFileAnswer,
  requestDetailAnswer,
  requestListAnswer,
  resendAnswer,
  retryAnswer,
  submitAnswer,
  verdictAnswer,
} from '../answer-schemas.js';
import { principalOf } from '../auth/authenticate.js';
import { auditActorOf } from '../auth/authorize.js';
import type { HttpContext } from '../http-context.js';
import { requesterFor } from '../requester.js';

const idParams = z.object({ id: z.uuid({ error: 'id must be a request id (a UUID)' }) });

const listQuery = z
  .object({
    // An address, or @domain for a whole company's: a bare domain would match nothing.
    email: z
      .string()
      .max(254)
      .refine((email) => email.includes('@'), {
        error: (issue) =>
          `email must be an address, or @domain for a whole company’s (did you mean @${String(issue.input)}?)`,
      })
      .optional(),
    customer: z
      .string()
      .max(254)
      .optional()
      .describe(
        'an email address: requests for the same customer as the repeat rule matches them (same registrable domain, or the same mailbox at a public mail provider)',
      ),
    // As a ticket is stored: "#4711", as Zendesk shows it, finds ticket 4711.
    ticket: z
      .string()
      .max(65)
      .transform((ticket) => ticket.trim().replace(/^#/, ''))
      .optional(),
    state: z
      .enum(requestStates as [string, ...string[]], {
        error: `state must be one of ${requestStates.join(', ')}`,
      })
      .optional(),
    since: z.iso.date({ error: 'since must be a date as YYYY-MM-DD' }).optional(),
    limit: z.coerce
      .number({ error: 'limit must be a whole number from 1 to 200' })
      .int('limit must be a whole number from 1 to 200')
      .min(1, 'limit must be a whole number from 1 to 200')
      .max(200, 'limit must be a whole number from 1 to 200')
      .default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

function verdictBody(verb: string) {
  return z
    .object({
      reason: z
        .string({ error: `reason is required: say in a sentence why you ${verb} this request` })
        .trim()
        .min(
          3,
          `reason is too short (at least 3 characters): say in a sentence why you ${verb} this request`,
        )
        .max(1_000, 'reason must be at most 1000 characters'),
    })
    .strict();
}

const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200, 'Idempotency-Key must be at most 200 characters')
    .optional(),
});

/** Emergency requests: create, find, read, download the license, resend, retry, approve, decline. */
export function requestRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.post(
      '/api/v1/requests',
      {
        schema: {
          summary: 'Submit an emergency license request',
          description:
            'Checks the request against the policy. Eligible: 202 and the work starts. Ineligible: 422 with the decision (the rejection is recorded). The same body on the same day, or the same Idempotency-Key, returns the first answer.',
          tags: ['requests'],
          body: submissionSchema,
          headers: idempotencyHeaders,
          response: answers(
            {
              202: submitAnswer.describe(
                'Eligible: queued, or awaiting_approval when a guardrail holds it.',
              ),
              422: submitAnswer.describe('Not eligible: recorded as rejected, with the decision.'),
            },
            [...refusedWrite, 'IDEMPOTENCY_KEY_REUSED'],
          ),
        },
      },
      async (request, reply) => {
        const requester = requesterFor(principalOf(request), request.body.requestedBy);
        const result = await submitRequest(
          ctx.submit,
          request.body,
          requester,
          request.headers['idempotency-key'],
          auditActorOf(request, requester.name),
        );
        if (result.replayed) void reply.header('idempotent-replayed', 'true');
        return reply.status(result.status).send(result.body);
      },
    );

    app.get(
      '/api/v1/requests',
      {
        schema: {
          summary: 'Find requests, newest first',
          tags: ['requests'],
          querystring: listQuery,
          response: answers({ 200: requestListAnswer }, [...refusedCall, 'INVALID_CURSOR']),
        },
      },
      async (request) =>
        findRequests(ctx.submit, {
          ...request.query,
          state: request.query.state as RequestState | undefined,
        }),
    );

    app.get(
      '/api/v1/requests/:id',
      {
        schema: {
          summary: 'A request with its decision, license, tracker issue, deliveries and timeline',
          tags: ['requests'],
          params: idParams,
          response: answers({ 200: requestDetailAnswer }, [...refusedCall, 'NOT_FOUND']),
        },
      },
      async (request) =>
        showRequest(ctx.submit, request.params.id, {
          extensionsMax: ctx.cover.extension.cover.extensionsMax,
        }),
    );

    app.get(
      '/api/v1/requests/:id/license',
      {
        schema: {
          summary: 'Download the request’s .gitlab-license file',
          tags: ['requests'],
          params: idParams,
          response: answers({ 200: licenseFileAnswer }, [...refusedCall, 'NOT_FOUND']),
        },
      },
      async (request, reply) => {
        const file = await downloadLicense(ctx.submit, request.params.id, auditActorOf(request));
        return reply
          .type('application/octet-stream')
          .header('content-disposition', `attachment; filename="${file.fileName}"`)
          .send(file.text);
      },
    );

    app.post(
      '/api/v1/requests/:id/resend',
      {
        schema: {
          summary: 'Send the same license again (never a new one)',
          tags: ['requests'],
          params: idParams,
          body: z
            .object({ email: z.email({ error: 'email must be an email address' }).optional() })
            .strict()
            .optional(),
          response: answers({ 202: resendAnswer }, [
            ...refusedWrite,
            'NOT_FOUND',
            'NO_LICENSE_TO_RESEND',
          ]),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const result = await resend(
          ctx.submit,
          { requestId: request.params.id, email: request.body?.email },
          principal,
          auditActorOf(request),
        );
        return reply.status(202).send(result);
      },
    );

    for (const verdict of ['approved', 'declined'] as const) {
      const verb = verdict === 'approved' ? 'approve' : 'decline';
      app.post(
        `/api/v1/requests/:id/${verb}`,
        {
          schema: {
            summary:
              verdict === 'approved'
                ? 'Approve a request a guardrail holds: the license is generated and sent'
                : 'Decline a request a guardrail holds: it ends as rejected',
            description:
              'Only an approver who is not the requester may settle a waiting request (403 otherwise); a request that is not waiting answers 409.',
            tags: ['requests'],
            params: idParams,
            body: verdictBody(verb),
            response: answers({ 200: verdictAnswer }, [...refusedWrite, 'NOT_AWAITING_APPROVAL']),
          },
        },
        async (request, reply) => {
          const result = await settle(
            ctx.submit,
            { requestId: request.params.id, verdict, reason: request.body.reason },
            principalOf(request),
            auditActorOf(request),
          );
          return reply.status(200).send(result);
        },
      );
    }

    app.post(
      '/api/v1/requests/:id/retry',
      {
        schema: {
          summary: 'Continue a failed request from the step that failed',
          tags: ['requests'],
          params: idParams,
          response: answers({ 202: retryAnswer }, [
            ...refusedWrite,
            'NOT_FOUND',
            'NOTHING_TO_RETRY',
          ]),
        },
      },
      async (request, reply) => {
        const result = await retry(
          ctx.submit,
          request.params.id,
          principalOf(request),
          auditActorOf(request),
        );
        return reply.status(202).send(result);
      },
    );
    done();
  };
}
