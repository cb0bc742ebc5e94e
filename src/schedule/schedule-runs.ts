import { sql, type Kysely } from 'kysely';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { Database } from '../store/schema.js';
import { runSchedule } from './run-schedule-step.js';
import {
  latestOccurrence,
  occurrenceKey,
  occurrenceKeyPrefix,
  parseOccurrenceKey,
  type Schedule,
} from './schedule.js';

/**
 * `now` is the wall clock occurrences are read on; `jobNow` the clock the job table's leases
 * and due times are judged by (see DatabaseClock).
 * Enqueues each schedule's latest occurrence at or before `now`, keyed by schedule and
 * occurrence: every process does this on every tick, and the unique key keeps one job per
 * occurrence. After downtime this is the catch-up: the latest missed occurrence runs once, the
 * earlier missed ones never (the hand-off covers "since the last digest" and the head covers
 * the whole chain, so one late run says everything the skipped ones would have).
 */
export async function enqueueDueOccurrences(
  db: Kysely<Database>,
  schedules: readonly Schedule[],
  now: number,
  jobNow: number = now,
): Promise<void> {
  const jobs = schedules.flatMap((schedule) => {
    const at = latestOccurrence(schedule, now);
    if (at === undefined) return [];
    // Due at once by the job table's own clock (the database's, on PostgreSQL), which the
    // wall-clock time of the occurrence may be a little ahead of.
    return [runSchedule.job({ name: schedule.name, at, runAt: jobNow })];
  });
  if (jobs.length > 0) await enqueueJobs(db, jobs, jobNow);
}

export interface ScheduleRun {
  /** The occurrence's instant (epoch ms). */
  occurrence: number;
  state: string;
  /** When the job last changed (finished, for a settled one). */
  updatedAt: number;
  attempts: number;
  lastError: string | null;
}

/** The schedule's newest occurrence job, whatever its state. */
export async function lastRun(
  db: Kysely<Database>,
  name: string,
): Promise<ScheduleRun | undefined> {
  const runs = await runsOf(db, name, { limit: 1 });
  return runs[0];
}

/** The newest occurrence before `before` that succeeded: where the next digest starts. */
export async function lastSucceededBefore(
  db: Kysely<Database>,
  name: string,
  before: number,
): Promise<number | undefined> {
  const runs = await runsOf(db, name, { limit: 1, state: 'succeeded', before });
  return runs[0]?.occurrence;
}

async function runsOf(
  db: Kysely<Database>,
  name: string,
  options: { limit: number; state?: string; before?: number },
): Promise<ScheduleRun[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['unique_key', 'state', 'updated_at', 'attempts', 'last_error', 'run_at'])
    // A literal, so SQLite seeks through the partial index jobs_schedule_runs (migration 0019).
    .where('kind', '=', sql.lit('run_schedule'))
    .where('unique_key', 'like', `${occurrenceKeyPrefix(name)}%`)
    .$if(options.state !== undefined, (q) => q.where('state', '=', options.state ?? ''))
    // ISO keys sort as their instants do; run_at moves with retries, the key never does.
    .$if(options.before !== undefined, (q) =>
      q.where('unique_key', '<', occurrenceKey(name, options.before ?? 0)),
    )
    .orderBy('unique_key', 'desc')
    .limit(options.limit)
    .execute();
  return rows.flatMap((row) => {
    const parsed = parseOccurrenceKey(row.unique_key);
    if (!parsed) return [];
    return [
      {
        occurrence: parsed.at,
        state: row.state,
        updatedAt: Number(row.updated_at),
        attempts: Number(row.attempts),
        lastError: row.last_error,
      },
    ];
  });
}
