import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { customerKeys } from '../../policy/index.js';
import { requestStates } from '../../requests/request-life.js';
import { requestDetail, searchRequests } from '../../requests/request-view.js';
import { resendLicense } from '../../requests/resend-license.js';
import { retryRequest } from '../../requests/retry-request.js';
import { submissionSchema } from '../../requests/submission.js';
import { submitRequest } from '../../requests/submit-request.js';
import { loadLicense } from '../../requests/request-records.js';
import { storedLicenseFileName } from '../../requests/license-file.js';
import { ApiError } from '../api-error.js';
import { settleApproval } from '../../requests/approve-request.js';
import { emailDomainOf, type PolicySettings } from '../../policy/index.js';
import { isPublicEmailDomain } from '../../policy/customer-keys.js';
import { recordAudit } from '../../audit/audit-store.js';
import { principalOf } from '../auth/authenticate.js';
import { auditActorOf, requireAction } from '../auth/authorize.js';
import type { HttpContext } from '../http-context.js';
import { requesterFor } from '../requester.js';

const idParams = z.object({ id: z.uuid({ error: 'id must be a request id (a UUID)' }) });

const listQuery = z
  .object({
    email: z.string().max(254).optional(),
    customer: z
      .string()
      .max(254)
      .optional()
      .describe(
        'an email address: requests for the same customer as the repeat rule matches them (same registrable domain, or the same mailbox at a public mail provider)',
      ),
    ticket: z.string().max(64).optional(),
    state: z
      .enum(requestStates as [string, ...string[]], {
        error: `state must be one of ${requestStates.join(', ')}`,
      })
      .optional(),
    since: z.iso.date({ error: 'since must be a date as YYYY-MM-DD' }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

function verdictBody(verb: string) {
  return z
    .object({
      reason: z
        .string({ error: `reason is required: say in a sentence why you ${verb} this request` })
        .trim()
        .min(3, `reason is required: say in a sentence why you ${verb} this request`)
        .max(1_000, 'reason must be at most 1000 characters'),
    })
    .strict();
}

/**
 * An engineer may resend to the request's own address, or to another at the same company
 * domain; never to another mailbox at a public mail provider, where the domain names nobody.
 */
function withinRequestDomain(customerEmail: string, to: string, policy: PolicySettings): boolean {
  if (to === customerEmail.toLowerCase()) return true;
  const domain = emailDomainOf(customerEmail.toLowerCase());
  return (
    domain !== undefined && !isPublicEmailDomain(domain, policy) && emailDomainOf(to) === domain
  );
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
        },
      },
      async (request) => {
        const { email, customer, ticket, state, since, limit, cursor } = request.query;
        return searchRequests(ctx.store.db, {
          limit,
          ...(email && { email }),
          ...(customer && { customer: customerKeys(customer, undefined, ctx.policy) }),
          ...(ticket && { ticket }),
          ...(state && { state: state as (typeof requestStates)[number] }),
          ...(since && { since }),
          ...(cursor && { cursor }),
        });
      },
    );

    app.get(
      '/api/v1/requests/:id',
      {
        schema: {
          summary: 'A request with its decision, license, tracker issue, deliveries and timeline',
          tags: ['requests'],
          params: idParams,
        },
      },
      async (request) => {
        const detail = await requestDetail(ctx.store.db, request.params.id);
        if (!detail) throw new ApiError('NOT_FOUND', `No request ${request.params.id}.`);
        return detail;
      },
    );

    app.get(
      '/api/v1/requests/:id/license',
      {
        schema: {
          summary: 'Download the request’s .gitlab-license file',
          tags: ['requests'],
          params: idParams,
        },
      },
      async (request, reply) => {
        const license = await loadLicense(ctx.store.db, request.params.id);
        if (!license)
          throw new ApiError(
            'NOT_FOUND',
            'This request has no license (rejected, failed before one was made, or not made yet).',
          );
        await recordAudit(
          ctx.store.db,
          auditActorOf(request),
          {
            action: 'license.downloaded',
            target: `request ${request.params.id}`,
            requestId: request.params.id,
            details: { fingerprint: license.fingerprint },
          },
          ctx.clock.now(),
        );
        return reply
          .type('application/octet-stream')
          .header('content-disposition', `attachment; filename="${storedLicenseFileName(license)}"`)
          .send(license.text);
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
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const to = request.body?.email?.toLowerCase();
        const own = await ctx.store.db
          .selectFrom('requests')
          .select('customer_email')
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!own) throw new ApiError('NOT_FOUND', `No request ${request.params.id}.`);
        if (to !== undefined && !withinRequestDomain(own.customer_email, to, ctx.policy))
          requireAction(principal, 'resendElsewhere');
        const resends = await ctx.store.db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('request_id', '=', request.params.id)
          .where('channel', '=', 'email')
          .where('purpose', '=', 'resend')
          .executeTakeFirstOrThrow();
        if (Number(resends.n) >= ctx.submit.resendLimit)
          requireAction(principal, 'resendBeyondLimit');
        const result = await resendLicense(
          ctx.store.db,
          request.params.id,
          to,
          principal.name,
          ctx.clock.now(),
          auditActorOf(request),
        );
        ctx.submit.wake.notify();
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
          },
        },
        async (request, reply) => {
          const principal = principalOf(request);
          const result = await settleApproval(
            ctx.store.db,
            ctx.submit.approval,
            {
              requestId: request.params.id,
              verdict,
              approver: principal.name,
              reason: request.body.reason,
            },
            ctx.clock.now(),
            auditActorOf(request),
          );
          ctx.submit.wake.notify();
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
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const exists = await requestDetail(ctx.store.db, request.params.id);
        if (!exists) throw new ApiError('NOT_FOUND', `No request ${request.params.id}.`);
        const result = await retryRequest(
          ctx.store.db,
          request.params.id,
          principal.name,
          ctx.clock.now(),
          auditActorOf(request),
        );
        ctx.submit.wake.notify();
        return reply.status(202).send(result);
      },
    );
    done();
  };
}
