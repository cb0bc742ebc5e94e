import { Refusal } from '../refusal.js';
import { newRowId } from '../store/row-id.js';
import type { Kysely } from 'kysely';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import type { Database } from '../store/schema.js';
import { ensureDelivery } from './deliveries.js';
import { recordEvent } from './timeline.js';
import { sendEmail } from './steps/send-email.js';

export class NoLicenseToResend extends Refusal {
  override readonly name = 'NoLicenseToResend';
  constructor(message: string) {
    super('NO_LICENSE_TO_RESEND', message);
  }
}

/** Sends the request's existing license again, to the customer or another address. */
export async function resendLicense(
  db: Kysely<Database>,
  requestId: string,
  to: string | undefined,
  actor: string,
  now: number,
  audit?: AuditActor,
): Promise<{ deliveryId: string; to: string }> {
  return db.transaction().execute(async (trx) => {
    const request = await trx
      .selectFrom('requests')
      .select(['customer_email', 'state'])
      .where('id', '=', requestId)
      .executeTakeFirst();
    const license = await trx
      .selectFrom('licenses')
      .select('id')
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    if (!request || !license) {
      throw new NoLicenseToResend(
        request?.state === 'rejected'
          ? 'This request was rejected: it has no license to resend.'
          : request?.state === 'awaiting_approval'
            ? 'This request waits for a second person’s approval: it has no license to resend until an approver approves it.'
            : 'This request has no license yet: retry it instead, or wait for it to finish.',
      );
    }
    const destination = to ?? request.customer_email;
    const deliveryId = newRowId();
    await ensureDelivery(
      trx,
      { id: deliveryId, requestId, medium: 'email', purpose: 'resend', destination },
      now,
    );
    await enqueueJobs(trx, [sendEmail.job({ requestId, deliveryId: deliveryId })], now);
    await recordEvent(
      trx,
      {
        requestId,
        kind: 'email.resend_requested',
        message: `Resend of the same license to ${destination} requested.`,
        actor,
        data: { deliveryId },
      },
      now,
    );
    if (audit)
      await appendAudit(
        trx,
        audit,
        {
          action: 'request.resent',
          target: `request ${requestId}`,
          requestId,
          details: {
            to: destination,
            deliveryId,
            customerAddress: destination === request.customer_email,
          },
        },
        now,
      );
    return { deliveryId, to: destination };
  });
}
