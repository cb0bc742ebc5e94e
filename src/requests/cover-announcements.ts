import type { Kysely } from 'kysely';
import { compiledOnce } from '../store/compiled-once.js';
import type { NewJob } from '../jobs/job.js';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { CalendarDate } from '../license/calendar-date.js';
import type { Database } from '../store/schema.js';
import { coverEventKey, coverSchedule, type CoverEvent, type CoverSettings } from './cover.js';
import { ensureDelivery } from './deliveries.js';
import { coverDeliveryId } from './delivery-ids.js';
import { sendEmail } from './steps/send-email.js';
import { noteTicket, postNotice } from './steps/announce-steps.js';
import { commentTrackerIssue } from './steps/comment-tracker-issue.js';
import { coverReminder } from './steps/cover-reminder.js';

export interface CoverDestinations {
  notice: string;
  ticket: string;
  tracker: string;
}

/**
 * Tells the channel, the ticket and the tracker issue of a cover event, in the caller's
 * transaction. Delivery ids and job keys are made from the event's key, so an event announced
 * twice (a job run again after a crash, two workers) is still announced once. Answers whether
 * this call announced it: the notice's delivery row is the claim (on PostgreSQL a second
 * insert of the same id waits for the first transaction and then inserts nothing).
 */
export async function announceCover(
  db: Kysely<Database>,
  requestId: string,
  event: CoverEvent,
  destinations: CoverDestinations,
  now: number,
  /** For a reminder with LIFELINE_REMINDER_EMAIL_CUSTOMER=on: the customer's address. */
  emailCustomer?: string,
): Promise<boolean> {
  const key = coverEventKey(event);
  const notice = coverDeliveryId(requestId, 'notice', key);
  const ticket = coverDeliveryId(requestId, 'ticket', key);
  const tracker = coverDeliveryId(requestId, 'tracker', key);
  const claimed = await db
    .insertInto('deliveries')
    .values({
      id: notice,
      request_id: requestId,
      medium: 'notice',
      purpose: key,
      destination: destinations.notice,
      state: 'pending',
      attempts: 0,
      last_error: null,
      remote_reply: null,
      receipt: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
  const deliveries = [
    { id: ticket, medium: 'ticket' as const, destination: destinations.ticket },
    { id: tracker, medium: 'tracker' as const, destination: destinations.tracker },
  ];
  for (const delivery of deliveries) {
    await ensureDelivery(db, { ...delivery, requestId, purpose: key }, now);
  }
  const jobs: NewJob[] = [
    postNotice.job({ requestId, deliveryId: notice }),
    noteTicket.job({ requestId, deliveryId: ticket }),
    commentTrackerIssue.job({ requestId, deliveryId: tracker }),
  ];
  if (emailCustomer !== undefined && event.kind === 'reminder') {
    const email = coverDeliveryId(requestId, 'email', key);
    await ensureDelivery(
      db,
      { id: email, requestId, medium: 'email', purpose: key, destination: emailCustomer },
      now,
    );
    jobs.push(sendEmail.job({ requestId, deliveryId: email }));
  }
  await enqueueJobs(db, jobs, now);
  return true;
}

// Each request's cover starts once it succeeds: compiled once (see compiledOnce).
const setCover = compiledOnce(
  (db, coverState: 'pending' | 'extended', endsOn: CalendarDate, requestId: string) =>
    db
      .updateTable('requests')
      .set({ cover_state: coverState, cover_ends_on: endsOn })
      .where('id', '=', requestId),
);

/**
 * Starts (or, after an extension, restarts) a cover: the request waits for its renewal until
 * `endsOn`, and its reminders and lapse are queued for their days. Jobs of an earlier license
 * stay queued and find, when they run, that their license is no longer the current one.
 */
export async function scheduleCover(
  db: Kysely<Database>,
  requestId: string,
  cover: { state: 'pending' | 'extended'; endsOn: CalendarDate; lineage: number },
  settings: CoverSettings,
  now: number,
): Promise<void> {
  await setCover(db, cover.state, cover.endsOn, requestId);
  const jobs = coverSchedule(cover.endsOn, cover.lineage, settings, now).map((item) =>
    coverReminder.job({ requestId, eventKey: coverEventKey(item.event), runAt: item.runAt }),
  );
  await enqueueJobs(db, jobs, now);
}
