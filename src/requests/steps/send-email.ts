import { renderLicenseEmail } from '../../adapters/mail/license-email.js';
import type { RequestStepHandler } from '../../jobs/job-handler.js';
import { defineRequestStep, type DeliveryJobInput } from '../../jobs/step.js';
import { addDays, type CalendarDate } from '../../license/calendar-date.js';
import { renderCoverReminderEmail } from '../../adapters/mail/cover-reminder-email.js';
import { parseCoverEventKey } from '../cover.js';
import { scheduleCover } from '../cover-announcements.js';
import { licenseOfEvent } from '../cover-records.js';
import { storedLicenseFileName } from '../license-file.js';
import { markDelivered, markDeliveryFailed } from '../deliveries.js';
import { failRequest } from '../fail-request.js';
import type { PipelineContext } from '../pipeline-context.js';
import { moveRequest } from '../request-life.js';
import { loadLicense, loadRequest, loadUndeliveredDelivery } from '../request-records.js';
import { recordEvent, recordEvents } from '../timeline.js';
import { attemptDelivery } from './delivery-attempt.js';
import { recordAfterDelivery, recordingOptions } from './record-after-delivery.js';

export const sendEmail = defineRequestStep({
  kind: 'send_email',
  label: 'email the license to the customer',
  maxAttempts: 12,
  concurrency: 3,
  remote: 'mail',
  uniqueKey: ({ deliveryId, round = 0 }: DeliveryJobInput) => `send_email:${deliveryId}:${round}`,
  place: ({ requestId, deliveryId }) => ({ requestId, deliveryId }),
  handler: (ctx: PipelineContext) => sendEmailStep(ctx),
});

/**
 * Whether the customer's server accepting this message is the delivery the request waits for:
 * the license email, or a resend after the license email failed (the advice for an address the
 * server refused is to resend to the right one).
 */
function settlesRequest(purpose: string, failedStep: string | null): boolean {
  return purpose === 'license' || (purpose === 'resend' && failedStep === 'send_email');
}

/**
 * Emails the stored license. The Message-ID is fixed per request and delivery, so if the process
 * dies after the server accepted the message but before this was recorded, the second copy
 * carries the same Message-ID and mail clients show it once.
 */
function sendEmailStep(ctx: PipelineContext): RequestStepHandler {
  const db = ctx.store.db;
  return {
    async run(job, _signal, settle) {
      const delivery = await loadUndeliveredDelivery(db, job.deliveryId);
      if (!delivery) return;
      const request = await loadRequest(db, job.requestId);
      const license = await loadLicense(db, job.requestId);
      if (!request || !license) throw new Error('The request has no license to send yet.');
      const fileName = storedLicenseFileName(license);
      const reminder = parseCoverEventKey(delivery.purpose);
      const mail = reminder
        ? renderCoverReminderEmail({
            requestId: request.id,
            deliveryId: delivery.id,
            messageIdDomain: ctx.mail.messageIdDomain,
            from: ctx.mail.from,
            ...(ctx.mail.replyTo && { replyTo: ctx.mail.replyTo }),
            to: delivery.destination,
            ticket: { id: request.ticket_id, url: request.ticket_url },
            expiresAt: ((await licenseOfEvent(db, request.id, delivery.purpose)) ?? license)
              .expires_at as CalendarDate,
          })
        : renderLicenseEmail({
            requestId: request.id,
            deliveryId: delivery.id,
            messageIdDomain: ctx.mail.messageIdDomain,
            from: ctx.mail.from,
            ...(ctx.mail.replyTo && { replyTo: ctx.mail.replyTo }),
            to: delivery.destination,
            ticket: { id: request.ticket_id, url: request.ticket_url },
            userCount: Number(license.user_count),
            issuedAt: license.issued_at as CalendarDate,
            expiresAt: license.expires_at as CalendarDate,
            licenseText: license.text,
            licenseFileName: fileName,
          });
      ctx.crashPoint?.('send_email:before_send');
      const sent = await attemptDelivery(ctx, delivery.id, () => ctx.mailer.send(mail));
      ctx.crashPoint?.('send_email:after_send');
      const now = ctx.clock.now();
      await recordAfterDelivery(
        () =>
          db.transaction().execute(async (trx) => {
            await markDelivered(trx, delivery.id, sent.receipt, now);
            await recordEvent(
              trx,
              {
                requestId: request.id,
                kind: 'email.sent',
                message: reminder
                  ? `Emailed ${delivery.destination} that the temporary license ends soon and the renewal is in hand (${delivery.purpose}).`
                  : `Emailed the license to ${delivery.destination}${delivery.purpose === 'resend' ? ' (resend)' : delivery.purpose === 'extension' ? ' (extension)' : ''}.`,
                data: {
                  deliveryId: delivery.id,
                  messageId: sent.messageId,
                  mailer: ctx.mailer.name,
                },
              },
              now,
            );
            if (
              settlesRequest(delivery.purpose, request.failed_step) &&
              (await moveRequest(
                trx,
                request.id,
                {
                  to: 'succeeded',
                  patch: { failed_step: null, failure_message: null, failure_next_action: null },
                },
                {
                  now,
                  destinations: ctx.destinations,
                  tracker: ctx,
                  // The license email's license is the current one: nothing extends a request
                  // before it has succeeded.
                  ...(delivery.purpose === 'license' && { known: { license } }),
                },
              )) !== undefined
            ) {
              // From here the request waits for the customer's real renewal.
              await scheduleCover(
                trx,
                request.id,
                { state: 'pending', endsOn: license.expires_at as CalendarDate, lineage: 0 },
                ctx.cover,
                now,
              );
              await recordEvents(
                trx,
                [
                  {
                    requestId: request.id,
                    kind: 'request.succeeded',
                    message: `Created a license under ${request.customer_email} for ${request.user_count} users.`,
                  },
                  {
                    requestId: request.id,
                    kind: 'cover.pending',
                    message: `Waiting for the customer’s renewal: the temporary license works through ${addDays(license.expires_at as CalendarDate, -1)}.`,
                  },
                ],
                now,
              );
            }
            // Last, so the claim it makes for the freed slot sees the jobs the move queued.
            await settle.complete(trx);
          }),
        recordingOptions(ctx),
      );
    },
    async onFailed(job, verdict) {
      const now = ctx.clock.now();
      const delivery = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('id', '=', job.deliveryId ?? '')
        .executeTakeFirst();
      if (!delivery) return;
      await markDeliveryFailed(db, delivery.id, now);
      await recordEvent(
        db,
        {
          requestId: job.requestId,
          kind: 'email.failed',
          message: `Could not email the license to ${delivery.destination}: ${verdict.message}`,
          data: { deliveryId: delivery.id, code: verdict.code },
        },
        now,
      );
      if (delivery.purpose === 'license') {
        await failRequest(db, job.requestId, sendEmail, verdict, ctx.destinations, now, ctx);
      }
      ctx.wake.notify();
    },
  };
}
