import type { Kysely } from 'kysely';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { Database, RequestUpdate } from '../store/schema.js';
import { statesMovingTo, type RequestState } from './request.js';
import { syncTrackerIssue } from './steps/sync-tracker-issue.js';

/**
 * Changes a request and, in the same transaction, asks for its tracker issue to be brought up to
 * date: every visible change of a request reaches the tracker, and none is forgotten by a crash.
 * A change the tracker issue does not show (`trackerSees: false`) skips the round trip; the
 * next visible change carries it along, since a sync always writes the current state.
 */
export async function changeRequest(
  db: Kysely<Database>,
  requestId: string,
  patch: RequestUpdate,
  now: number,
  options: { trackerSees?: boolean } = {},
): Promise<number> {
  const row = await db
    .updateTable('requests')
    .set((eb) => ({ ...patch, revision: eb('revision', '+', 1), updated_at: now }))
    .where('id', '=', requestId)
    .returning('revision')
    .executeTakeFirstOrThrow();
  const revision = Number(row.revision);
  if (options.trackerSees !== false)
    await enqueueJobs(db, [syncTrackerIssue.job({ requestId, revision: revision })], now);
  return revision;
}

/**
 * The one way a request changes state: moves it to `to` only from a state the state machine
 * allows, in one conditional update, so two processes racing (an approval and the expiry job, a
 * retry and a late failure) move it once. Returns the new revision, or undefined when the request
 * was not in a state that may move there (nothing changed).
 */
export async function moveRequest(
  db: Kysely<Database>,
  requestId: string,
  to: RequestState,
  patch: Omit<RequestUpdate, 'state'>,
  now: number,
  options: { trackerSees?: boolean } = {},
): Promise<number | undefined> {
  const row = await db
    .updateTable('requests')
    .set((eb) => ({ ...patch, state: to, revision: eb('revision', '+', 1), updated_at: now }))
    .where('id', '=', requestId)
    .where('state', 'in', statesMovingTo(to))
    .returning('revision')
    .executeTakeFirst();
  if (!row) return undefined;
  const revision = Number(row.revision);
  if (options.trackerSees !== false)
    await enqueueJobs(db, [syncTrackerIssue.job({ requestId, revision: revision })], now);
  return revision;
}
