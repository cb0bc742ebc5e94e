import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { extend, renew } from '../../requests/commands/cover.js';
import { answers, refusedWrite } from '../answers.js';
import { extensionAnswer, renewalRecordedAnswer } from '../answer-schemas.js';
import { principalOf } from '../auth/authenticate.js';
import { auditActorOf } from '../auth/authorize.js';
import type { HttpContext } from '../http-context.js';

const idParams = z.object({ id: z.uuid({ error: 'id must be a request id (a UUID)' }) });

const reason = z
  .string({ error: 'reason must be text' })
  .trim()
  .min(3, 'reason is too short (at least 3 characters): say why, in a few words')
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
  const commands = { ...ctx.cover, store: ctx.store, clock: ctx.clock, wake: ctx.submit.wake };
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
          response: answers({ 200: renewalRecordedAnswer }, [
            ...refusedWrite,
            'NOT_FOUND',
            'CONFLICT',
            'RENEWAL_REFUSED',
          ]),
        },
      },
      async (request) =>
        renew(
          commands,
          { requestId: request.params.id, ...request.body },
          principalOf(request),
          auditActorOf(request),
        ),
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
          response: answers({ 202: extensionAnswer }, [
            ...refusedWrite,
            'NOT_FOUND',
            'CONFLICT',
            'EXTENSION_REFUSED',
          ]),
        },
      },
      async (request, reply) => {
        const result = await extend(
          commands,
          { requestId: request.params.id, ...request.body },
          principalOf(request),
          auditActorOf(request),
        );
        return reply.status(202).send(result);
      },
    );
    done();
  };
}
