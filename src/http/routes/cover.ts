import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { askExtension } from '../../requests/extend-license.js';
import { recordRenewal } from '../../requests/record-renewal.js';
import { requestDetail } from '../../requests/request-view.js';
import { ApiError } from '../api-error.js';
import { principalOf } from '../auth/authenticate.js';
import { auditActorOf, requireAction } from '../auth/authorize.js';
import type { HttpContext } from '../http-context.js';

const idParams = z.object({ id: z.uuid({ error: 'id must be a request id (a UUID)' }) });

const reason = z
  .string({ error: 'reason must be text' })
  .trim()
  .min(3, 'reason must say why, in a few words')
  .max(1000, 'reason must be at most 1000 characters');

const renewalBody = z
  .object({
    licenseFile: z
      .string({ error: 'licenseFile must be the text of the .gitlab-license file' })
      .min(1, 'licenseFile is empty: paste or upload the customer’s new license')
      .max(262_144, 'licenseFile is larger than any license')
      .optional(),
    reason: reason.optional(),
  })
  .strict()
  .refine((body) => body.licenseFile !== undefined || body.reason !== undefined, {
    message:
      'Give licenseFile (the customer’s new license) or, as an approver without the file, a reason',
    path: ['licenseFile'],
  });

const extensionBody = z
  .object({
    reason,
    userCount: z
      .number({ error: 'userCount must be a number' })
      .int('userCount must be a whole number')
      .min(1, 'userCount must be at least 1')
      .max(2_147_483_647, 'userCount must be at most 2147483647')
      .optional(),
  })
  .strict();

/** After delivery: record the customer's renewal, or extend the cover once. */
export function coverRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.post(
      '/api/v1/requests/:id/renewal',
      {
        schema: {
          summary: 'Record the customer’s renewal (their new license file), closing the cover',
          description:
            'The file is decoded with the evidence keys and must be a paid, non-trial license of the same customer starting no later than the temporary license ends (422 with the reason otherwise). An approver may instead mark the renewal done with a reason and no file.',
          tags: ['requests'],
          params: idParams,
          body: renewalBody,
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const { licenseFile } = request.body;
        if (licenseFile === undefined) requireAction(principal, 'markRenewed');
        await ensureRequest(ctx, request.params.id);
        await recordRenewal(
          ctx.store.db,
          ctx.cover.renewal,
          request.params.id,
          licenseFile !== undefined ? { licenseFile } : { reason: request.body.reason ?? '' },
          auditActorOf(request),
          ctx.clock.now(),
        );
        ctx.submit.wake.notify();
        return (await requestDetail(ctx.store.db, request.params.id, ctx.clock.today()))?.renewal;
      },
    );

    app.post(
      '/api/v1/requests/:id/extension',
      {
        schema: {
          summary: 'Extend a cover still waiting for its renewal with a new temporary license',
          description:
            'Approvers only, never the requester; at most LIFELINE_EXTENSIONS_MAX times per request. Answers 202 with the extension pending: a worker signs it (job extend_license), then it is emailed and announced; GET the request for renewal.extension and licenses. The new license has its own fingerprint, is dated like the first, and has the first one’s seats unless userCount changes them. 409 while another extension is being made.',
          tags: ['requests'],
          params: idParams,
          body: extensionBody,
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        await ensureRequest(ctx, request.params.id);
        const result = await askExtension(
          ctx.store.db,
          ctx.cover.extension,
          request.params.id,
          {
            reason: request.body.reason,
            ...(request.body.userCount !== undefined && { userCount: request.body.userCount }),
          },
          { name: principal.name },
          auditActorOf(request),
          ctx.clock.now(),
        );
        ctx.submit.wake.notify();
        return reply.status(202).send(result);
      },
    );
    done();
  };
}

async function ensureRequest(ctx: HttpContext, id: string): Promise<void> {
  const found = await ctx.store.db
    .selectFrom('requests')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!found) throw new ApiError('NOT_FOUND', `No request ${id}.`);
}
