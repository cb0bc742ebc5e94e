import { newRowId } from '../../store/row-id.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { JobKind, NewJob } from '../job.js';
import { compiledPerShape } from '../../store/compiled-once.js';
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
    jobs.length <= longestCompiledList
      ? await insertFew(db, jobs, now)
      : await insertMany(db, jobs, now);
  enqueuedHere += 1;
  for (const kind of new Set(jobs.map((job) => job.kind)))
    enqueuedHereOfKind.set(kind, (enqueuedHereOfKind.get(kind) ?? 0) + 1);
  await notifyJobs(db);
  return added;
}

/** A short list (most enqueues are one job, a cover three): its INSERT compiled once per length. */
async function insertFew(db: Kysely<Database>, jobs: NewJob[], now: number): Promise<number> {
  const values = jobs.flatMap((job) => [
    newRowId(),
    job.kind,
    job.requestId ?? null,
    job.deliveryId ?? null,
    job.maxAttempts ?? defaultMaxAttempts,
    job.runAt ?? now,
    job.uniqueKey ?? null,
    now,
    now,
  ]);
  const result = await insertOfLength(jobs.length)(db, ...values);
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

// See insertFew: each length's INSERT compiled once (see compiledOnce), nine values a job.
const longestCompiledList = 8;

const insertOfLength = compiledPerShape(
  (length: number) => String(length),
  (length) =>
    (db, ...values: unknown[]) =>
      db
        .insertInto('jobs')
        .values(
          Array.from({ length }, (_, i) => {
            const [
              id,
              kind,
              requestId,
              deliveryId,
              maxAttempts,
              runAt,
              uniqueKey,
              createdAt,
              updatedAt,
            ] = values.slice(i * 9, i * 9 + 9);
            return {
              id: id as string,
              kind: kind as JobKind,
              request_id: requestId as string | null,
              delivery_id: deliveryId as string | null,
              state: 'pending',
              attempts: 0,
              max_attempts: maxAttempts as number,
              run_at: runAt as number,
              locked_by: null,
              locked_until: null,
              last_error: null,
              unique_key: uniqueKey as string | null,
              created_at: createdAt as number,
              updated_at: updatedAt as number,
            };
          }),
        )
        .onConflict((oc) => oc.column('unique_key').doNothing()),
);
