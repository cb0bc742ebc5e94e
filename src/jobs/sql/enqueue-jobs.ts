import { newRowId } from '../../store/row-id.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { NewJob } from '../job.js';
import { notifyJobs } from './notify-jobs.js';

export const defaultMaxAttempts = 10;

let enqueuedHere = 0;

/**
 * How many enqueues this process has made (committed or not): a worker that saw the queue empty
 * claims again once this moves, whatever path enqueued them and whether or not it woke it.
 */
export function enqueuesInThisProcess(): number {
  return enqueuedHere;
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
  let added = 0;
  for (const job of jobs) {
    const result = await db
      .insertInto('jobs')
      .values({
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
      })
      .onConflict((oc) => oc.column('unique_key').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  if (jobs.length > 0) {
    enqueuedHere += 1;
    await notifyJobs(db);
  }
  return added;
}
