import { Refusal } from '../refusal.js';
import type { Kysely } from 'kysely';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { NewJob } from '../jobs/job.js';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import type { Database } from '../store/schema.js';
import { emailDeliveryId } from './delivery-ids.js';
import { moveRequest } from './request-life.js';
import { requestFromRow } from './request-row.js';
import { recordEvent } from './timeline.js';
import { generateLicense } from './steps/generate-license.js';
import { sendEmail } from './steps/send-email.js';
import { syncTrackerIssue } from './steps/sync-tracker-issue.js';
import { noteTicket, postNotice } from './steps/announce-steps.js';

export class NothingToRetry extends Refusal {
  override readonly name = 'NothingToRetry';
  constructor(message: string) {
    super('NOTHING_TO_RETRY', message);
  }
}

/**
 * Continues a request from where it failed, never minting a second license: without a license
 * it runs the generation again; with one, it sends the same license again. Failed side
 * deliveries (tracker, notice, ticket note) are retried too, whatever the request's state.
 */
export async function retryRequest(
  db: Kysely<Database>,
  requestId: string,
  actor: string,
  now: number,
  audit?: AuditActor,
): Promise<{ retried: string[] }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirst();
    if (!row) throw new NothingToRetry('No such request.');
    const request = requestFromRow(row);
    const license = await trx
      .selectFrom('licenses')
      .select('id')
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    const failedDeliveries = await trx
      .selectFrom('deliveries')
      .selectAll()
      .where('request_id', '=', requestId)
      .where('state', '=', 'failed')
      .execute();
    // Each retry's jobs are a new round, numbered by the retries before it rather than by the
    // clock: two retries in one millisecond (or on a clock set back) would otherwise share the
    // jobs' keys, and the second's job would not be made while its request moved on waiting for
    // it. Two retries at once read the same number, so their jobs are one.
    const round = (await retriesSoFar(trx, requestId)) + 1;
    const jobs: NewJob[] = [];
    const retried: string[] = [];

    if (request.state === 'failed') {
      if (!license) {
        jobs.push(generateLicense.job({ requestId, round }));
        retried.push('generate_license');
        await moveRequest(
          trx,
          requestId,
          {
            to: 'queued',
            patch: { failed_step: null, failure_message: null, failure_next_action: null },
          },
          { now },
        );
      } else {
        await trx
          .updateTable('deliveries')
          .set({ state: 'pending', updated_at: now })
          .where('id', '=', emailDeliveryId(requestId))
          .execute();
        jobs.push(sendEmail.job({ requestId, deliveryId: emailDeliveryId(requestId), round }));
        retried.push('send_email');
        await moveRequest(
          trx,
          requestId,
          {
            to: 'issuing',
            patch: { failed_step: null, failure_message: null, failure_next_action: null },
          },
          { now },
        );
      }
    }
    for (const delivery of failedDeliveries) {
      if (delivery.medium === 'email') continue; // handled above (or a failed resend: resend again)
      await trx
        .updateTable('deliveries')
        .set({ state: 'pending', updated_at: now })
        .where('id', '=', delivery.id)
        .execute();
      if (delivery.medium === 'tracker')
        jobs.push({
          ...syncTrackerIssue.job({ requestId, revision: request.revision }),
          uniqueKey: `sync_tracker_issue:${requestId}:retry:${round}`,
        });
      if (delivery.medium === 'notice')
        jobs.push(postNotice.job({ requestId, deliveryId: delivery.id, round }));
      if (delivery.medium === 'ticket')
        jobs.push(noteTicket.job({ requestId, deliveryId: delivery.id, round }));
      retried.push(`${delivery.medium}:${delivery.purpose}`);
    }
    if (jobs.length === 0) {
      throw new NothingToRetry(
        request.state === 'rejected'
          ? 'This request was rejected by the policy: there is nothing to retry. Submit a new request if the facts changed.'
          : request.state === 'awaiting_approval'
            ? 'This request is waiting for an approver: there is nothing to retry until it is approved.'
            : 'Nothing failed on this request, so there is nothing to retry.',
      );
    }
    if (request.state !== 'failed') {
      // Let the tracker issue pick up the failed delivery being retried.
      await trx
        .updateTable('requests')
        .set({ tracker_synced_revision: null })
        .where('id', '=', requestId)
        .execute();
    }
    await enqueueJobs(trx, jobs, now);
    await recordEvent(
      trx,
      { requestId, kind: 'request.retried', message: `Retried: ${retried.join(', ')}.`, actor },
      now,
    );
    if (audit)
      await appendAudit(
        trx,
        audit,
        {
          action: 'request.retried',
          target: `request ${requestId}`,
          requestId,
          details: { retried },
        },
        now,
      );
    return { retried };
  });
}

async function retriesSoFar(db: Kysely<Database>, requestId: string): Promise<number> {
  const row = await db
    .selectFrom('timeline_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('request_id', '=', requestId)
    .where('kind', '=', 'request.retried')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
