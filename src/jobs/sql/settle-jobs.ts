import type { Kysely } from 'kysely';
import { compiledOnce } from '../../store/compiled-once.js';
import type { Database } from '../../store/schema.js';

/**
 * The ends of an attempt. Every write is fenced on `locked_by`: a worker whose lease expired
 * and whose job another worker took over changes nothing (the call returns false).
 */
export async function completeJob(
  db: Kysely<Database>,
  jobId: string,
  workerId: string,
  now: number,
): Promise<boolean> {
  const result = await updateCompleted(db, now, jobId, workerId);
  return (result.numAffectedRows ?? 0n) > 0n;
}

// Every job ends here: compiled once (see compiledOnce).
const updateCompleted = compiledOnce((db, now: number, jobId: string, workerId: string) =>
  db
    .updateTable('jobs')
    .set({ state: 'succeeded', locked_by: null, locked_until: null, updated_at: now })
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running'),
);

/** Records the error and puts the job back for another attempt at `runAt`. */
export async function rescheduleJob(
  db: Kysely<Database>,
  jobId: string,
  workerId: string,
  error: string,
  runAt: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      state: 'pending',
      last_error: error,
      run_at: runAt,
      locked_by: null,
      locked_until: null,
      updated_at: now,
    })
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** No more attempts: the job stays in the table, failed, for the console and for retry. */
export async function failJob(
  db: Kysely<Database>,
  jobId: string,
  workerId: string,
  error: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      state: 'failed',
      last_error: error,
      locked_by: null,
      locked_until: null,
      updated_at: now,
    })
    .where('id', '=', jobId)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Hands jobs back untouched (a worker stopping before it started them, or a step that must wait
 * for a lock): the attempt it counted is given back.
 */
export async function releaseJobs(
  db: Kysely<Database>,
  jobIds: string[],
  workerId: string,
  runAt: number,
  now: number,
): Promise<void> {
  if (jobIds.length === 0) return;
  await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'pending',
      attempts: eb('attempts', '-', 1),
      run_at: runAt,
      locked_by: null,
      locked_until: null,
      updated_at: now,
    }))
    .where('id', 'in', jobIds)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running')
    .execute();
}

/** Extends the lease of jobs this worker is still running, so nobody takes them over. */
export async function renewLeases(
  db: Kysely<Database>,
  jobIds: string[],
  workerId: string,
  lockedUntil: number,
  now: number,
): Promise<void> {
  if (jobIds.length === 0) return;
  await db
    .updateTable('jobs')
    .set({ locked_until: lockedUntil, updated_at: now })
    .where('id', 'in', jobIds)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running')
    .execute();
}
