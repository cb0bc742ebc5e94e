import type { Kysely } from 'kysely';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { NewJob } from '../jobs/job.js';
import { compiledOnce } from '../store/compiled-once.js';
import type { Database } from '../store/schema.js';
import { noticeDeliveryId, ticketDeliveryId } from './delivery-ids.js';
import type { OutcomeKind } from '../ports/outcome.js';
import { announceInTimeline, noteTicket, postNotice } from './steps/announce-steps.js';

export type DeliveryMedium = 'email' | 'tracker' | 'notice' | 'ticket';
export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** A delivery to record: its id is deterministic per request and purpose (delivery-ids.ts). */
export interface NewDelivery {
  id: string;
  requestId: string;
  medium: DeliveryMedium;
  purpose: string;
  destination: string;
}

/** Creates the delivery record unless it exists: ids are deterministic per request and purpose. */
export async function ensureDelivery(
  db: Kysely<Database>,
  delivery: NewDelivery,
  now: number,
): Promise<void> {
  await insertDelivery(
    db,
    delivery.id,
    delivery.requestId,
    delivery.medium,
    delivery.purpose,
    delivery.destination,
    'pending',
    0,
    null,
    now,
    now,
  );
}

// A request has three deliveries or more: compiled once (see compiledOnce). A delivery to the
// timeline itself is inserted delivered already (deliverOnce); the id answers whether it was new.
const insertDelivery = compiledOnce(
  (
    db,
    id: string,
    requestId: string,
    medium: DeliveryMedium,
    purpose: string,
    destination: string,
    state: DeliveryState,
    attempts: number,
    receipt: string | null,
    createdAt: number,
    updatedAt: number,
  ) =>
    db
      .insertInto('deliveries')
      .values({
        id,
        request_id: requestId,
        medium,
        purpose,
        destination,
        state,
        attempts,
        last_error: null,
        remote_reply: null,
        receipt,
        created_at: createdAt,
        updated_at: updatedAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id'),
);

export async function markDelivered(
  db: Kysely<Database>,
  deliveryId: string,
  receipt: string | undefined,
  now: number,
): Promise<void> {
  await updateDelivered(db, receipt ?? null, now, deliveryId);
}

/**
 * Creates the delivery as delivered already, or marks the existing one delivered unless it is;
 * answers whether this call delivered it. For a delivery whose destination is the request's own
 * timeline, made and delivered in one transaction (one statement when it is new), so that doing
 * it again adds nothing.
 */
export async function deliverOnce(
  db: Kysely<Database>,
  delivery: NewDelivery,
  receipt: string,
  now: number,
): Promise<boolean> {
  const created = await insertDelivery(
    db,
    delivery.id,
    delivery.requestId,
    delivery.medium,
    delivery.purpose,
    delivery.destination,
    'delivered',
    1,
    receipt,
    now,
    now,
  );
  if (created.rows.length > 0) return true;
  return markDeliveredOnce(db, delivery.id, receipt, now);
}

/**
 * Marks the delivery delivered unless it already is; answers whether this call did. For a
 * delivery made and delivered in one transaction, so that doing it again adds nothing.
 */
async function markDeliveredOnce(
  db: Kysely<Database>,
  deliveryId: string,
  receipt: string,
  now: number,
): Promise<boolean> {
  return (await updateUndelivered(db, receipt, now, deliveryId)).rows.length > 0;
}

// Every delivery ends here: compiled once (see compiledOnce).
const deliver = (db: Kysely<Database>, receipt: string | null, now: number, deliveryId: string) =>
  db
    .updateTable('deliveries')
    .set((eb) => ({
      state: 'delivered',
      attempts: eb('attempts', '+', 1),
      receipt,
      last_error: null,
      updated_at: now,
    }))
    .where('id', '=', deliveryId);
const updateDelivered = compiledOnce(deliver);
const updateUndelivered = compiledOnce(
  (db, receipt: string | null, now: number, deliveryId: string) =>
    deliver(db, receipt, now, deliveryId).where('state', '!=', 'delivered').returning('id'),
);

export async function markAttemptFailed(
  db: Kysely<Database>,
  deliveryId: string,
  failure: { message: string; remoteReply?: string; final: boolean },
  now: number,
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({
      state: failure.final ? 'failed' : 'pending',
      attempts: eb('attempts', '+', 1),
      last_error: failure.message,
      remote_reply: failure.remoteReply ?? null,
      updated_at: now,
    }))
    .where('id', '=', deliveryId)
    .execute();
}

/** Where an outcome's notice and ticket note go. */
export interface AnnouncementDestinations {
  notice: string;
  ticket: string;
  /**
   * Those that are the request's timeline itself (Slack or Zendesk not configured): recorded in
   * the moving transaction instead of by a job of their own, which would only write the same.
   */
  timelineOnly?: { notice: boolean; ticket: boolean };
}

/**
 * Tells the licensing channel and the ticket how the request ended, or that it waits for an
 * approver. Called in the transaction that moves the request; `origin` is how the request
 * arrived, when the caller has read it already.
 */
export async function announceOutcome(
  db: Kysely<Database>,
  requestId: string,
  outcome: OutcomeKind,
  destinations: AnnouncementDestinations,
  now: number,
  origin?: string,
): Promise<void> {
  const notice = noticeDeliveryId(requestId, outcome);
  const ticket = ticketDeliveryId(requestId, outcome);
  // A batch's rows are told to the channel once, in the batch's own notice (src/batches/),
  // not hundreds of times; each ticket still gets its note.
  const arrivedBy = origin ?? (await selectOrigin(db, requestId)).rows[0]?.origin;
  const toChannel = arrivedBy !== 'batch';
  const jobs: NewJob[] = [];
  const inTimeline = destinations.timelineOnly;
  if (toChannel) {
    const delivery = { id: notice, requestId, purpose: outcome, destination: destinations.notice };
    if (inTimeline?.notice) await announceInTimeline(db, 'notice', delivery, now);
    else {
      await ensureDelivery(db, { ...delivery, medium: 'notice' }, now);
      jobs.push(postNotice.job({ requestId, deliveryId: notice }));
    }
  }
  const delivery = { id: ticket, requestId, purpose: outcome, destination: destinations.ticket };
  if (inTimeline?.ticket) await announceInTimeline(db, 'ticket', delivery, now);
  else {
    await ensureDelivery(db, { ...delivery, medium: 'ticket' }, now);
    jobs.push(noteTicket.job({ requestId, deliveryId: ticket }));
  }
  if (jobs.length > 0) await enqueueJobs(db, jobs, now);
}

const selectOrigin = compiledOnce((db, requestId: string) =>
  db.selectFrom('requests').select('origin').where('id', '=', requestId),
);

/** No more attempts: the delivery stays failed until someone retries it. */
export async function markDeliveryFailed(
  db: Kysely<Database>,
  deliveryId: string | null,
  now: number,
): Promise<void> {
  if (!deliveryId) return;
  await db
    .updateTable('deliveries')
    .set({ state: 'failed', updated_at: now })
    .where('id', '=', deliveryId)
    .where('state', '!=', 'delivered')
    .execute();
}
