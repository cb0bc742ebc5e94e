import { newRowId } from '../../store/row-id.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { JobKind, NewJob } from '../job.js';
import { compiledOnce } from '../../store/compiled-once.js';
import { notifyJobs } from './notify-jobs.js';

export const defaultMaxAttempts = 10;

let enqueuedHere = 0;
const enqueuedHereOfKind = new Map<string, number>();

/**
 * How many enqueues this process has made (committed or not): a worker that saw the queue empty
 * claims again once this moves, whatever path enqueued them and whether or not it woke it.
 */
export function enqueuesInThisProcess(): number {
  return enqueuedHere;
}

/**
 * How many enqueues of `kind` this process has made: a worker skips a kind it saw with nothing
 * due until this moves, so a claim does not seek through the kinds that have no work (a batch
 * keeps three kinds busy of eleven).
 */
export function enqueuesOfKindInThisProcess(kind: string): number {
  return enqueuedHereOfKind.get(kind) ?? 0;
}

/**
 * Adds jobs inside the caller's transaction, so a job exists exactly when the domain write that
 * needs it committed. A job whose unique key is taken is skipped: enqueueing twice is harmless.
 * Answers how many were added, so a caller can use a unique key as a claim (on PostgreSQL a
 * second insert of the same key waits for the first transaction and then adds nothing).
 */
export async function enqueueJobs(
  db: Kysely<Database>,
  jobs: NewJob[],
  now: number,
): Promise<number> {
  if (jobs.length === 0) return 0;
  const added =
    jobs.length === 1 ? await insertOne(db, jobs[0]!, now) : await insertMany(db, jobs, now);
  enqueuedHere += 1;
  for (const kind of new Set(jobs.map((job) => job.kind)))
    enqueuedHereOfKind.set(kind, (enqueuedHereOfKind.get(kind) ?? 0) + 1);
  await notifyJobs(db);
  return added;
}

async function insertOne(db: Kysely<Database>, job: NewJob, now: number): Promise<number> {
  const result = await insertJob(
    db,
    newRowId(),
    job.kind,
    job.requestId ?? null,
    job.deliveryId ?? null,
    job.maxAttempts ?? defaultMaxAttempts,
    job.runAt ?? now,
    job.uniqueKey ?? null,
    now,
    now,
  );
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * One statement for many (a request's reminders and lapse are three jobs at once), in lists
 * short enough for either database's limit on bound values.
 */
async function insertMany(db: Kysely<Database>, jobs: NewJob[], now: number): Promise<number> {
  let added = 0;
  for (let start = 0; start < jobs.length; start += 500) {
    const result = await db
      .insertInto('jobs')
      .values(
        jobs.slice(start, start + 500).map((job) => ({
          id: newRowId(),
          kind: job.kind,
          request_id: job.requestId ?? null,
          delivery_id: job.deliveryId ?? null,
          state: 'pending',
          attempts: 0,
          max_attempts: job.maxAttempts ?? defaultMaxAttempts,
          run_at: job.runAt ?? now,
          locked_by: null,
          locked_until: null,
          last_error: null,
          unique_key: job.uniqueKey ?? null,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.column('unique_key').doNothing())
      .executeTakeFirst();
    // Both databases count only the rows inserted: a taken key, even one taken earlier in the
    // same list, is skipped and not counted.
    added += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return added;
}

// Most enqueues are of one job (a step's next): compiled once (see compiledOnce).
const insertJob = compiledOnce(
  (
    db,
    id: string,
    kind: JobKind,
    requestId: string | null,
    deliveryId: string | null,
    maxAttempts: number,
    runAt: number,
    uniqueKey: string | null,
    createdAt: number,
    updatedAt: number,
  ) =>
    db
      .insertInto('jobs')
      .values({
        id,
        kind,
        request_id: requestId,
        delivery_id: deliveryId,
        state: 'pending',
        attempts: 0,
        max_attempts: maxAttempts,
        run_at: runAt,
        locked_by: null,
        locked_until: null,
        last_error: null,
        unique_key: uniqueKey,
        created_at: createdAt,
        updated_at: updatedAt,
      })
      .onConflict((oc) => oc.column('unique_key').doNothing()),
);
