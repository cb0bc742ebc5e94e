import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StoreDialect } from '../../store/dialect.js';
import type { Database, JobRow } from '../../store/schema.js';
import { jobFromRow } from '../job-row.js';
import type { Job, JobKind } from '../job.js';

interface ClaimOptions {
  workerId: string;
  leaseMs: number;
  now: number;
}

/**
 * Claims up to `limit` due pending jobs of any kind (or of `kinds`), oldest first. The worker
 * claims by kind (claimJobsByKind) whenever it has per-kind slots, as the service always does;
 * this one reads the pending jobs through `jobs_due` and sorts them, which only live jobs ever
 * enter. Jobs of a worker that died come back through `reclaimExpiredLeases`, not here: an OR
 * over both conditions made every claim scan the whole table.
 */
export async function claimJobs(
  db: Kysely<Database>,
  dialect: StoreDialect,
  options: ClaimOptions & { limit: number; kinds?: JobKind[] },
): Promise<Job[]> {
  const { limit, now, kinds } = options;
  if (limit <= 0 || kinds?.length === 0) return [];
  const ofKinds = kinds ? sql` AND kind IN (${sql.join(kinds)})` : sql``;
  return markPicked(
    db,
    dialect,
    sql`SELECT id FROM jobs WHERE state = 'pending' AND run_at <= ${now}${ofKinds} ORDER BY run_at LIMIT ${limit}${lockPicked(dialect)}`,
    options,
  );
}

/**
 * Claims up to each kind's free slots of its oldest due jobs, and at most `limit` in all,
 * oldest first. Each kind is its own seek through the `jobs_due` index, so due jobs of other
 * kinds are never walked; the worker used to run one statement per group of kinds, each walking
 * every due job of the kinds it left out.
 *
 * Each kind's pick is a derived table with its own ORDER BY and LIMIT (SQLite allows neither on
 * a branch of a compound select), joined by UNION ALL. On PostgreSQL each pick locks what it
 * picks with SKIP LOCKED; a row picked but cut by the outer limit is only locked until commit.
 */
export async function claimJobsByKind(
  db: Kysely<Database>,
  dialect: StoreDialect,
  options: ClaimOptions & { slots: ReadonlyArray<readonly [JobKind, number]>; limit: number },
): Promise<Job[]> {
  const { limit, now } = options;
  const slots = options.slots.filter(([, n]) => n > 0);
  if (slots.length === 0 || limit <= 0) return [];
  const picks = slots.map(
    ([kind, n], i) =>
      sql`SELECT id, run_at FROM (SELECT id, run_at FROM jobs WHERE kind = ${kind} AND state = 'pending' AND run_at <= ${now} ORDER BY run_at LIMIT ${n}${lockPicked(dialect)}) AS ${sql.raw(`pick${i}`)}`,
  );
  return markPicked(
    db,
    dialect,
    sql`SELECT id FROM (${sql.join(picks, sql` UNION ALL `)}) AS due ORDER BY run_at LIMIT ${limit}`,
    options,
  );
}

/** PostgreSQL: many workers pick at once without waiting on each other. SQLite has no such clause. */
function lockPicked(dialect: StoreDialect): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
}

/**
 * Marks the jobs `picked` (a SELECT of their ids) as this worker's, counting the attempt (so a
 * crash mid-step uses one up) and taking the lease.
 *
 * The claims are written as SQL, not with the query builder: they run about three times per
 * request, and building and compiling the claim's eleven picks took 135 µs of the worker's one
 * thread each time, more than SQLite took to run it. The state is a literal, so SQLite uses
 * the partial index `jobs_due` (migration 0019).
 *
 * PostgreSQL picks and marks in one statement, the picks in a CTE, which it evaluates exactly
 * once: as `UPDATE … WHERE id IN (SELECT … LIMIT n)` it may re-run the sub-select per row and
 * claim more than `n` jobs (seen in our tests once the plan changed). SQLite picks, then marks
 * by id those of the picked that are still pending and due: another process may have claimed
 * some in between, and those it leaves, so no job is claimed twice and no transaction is held
 * across the two. As one statement SQLite built a temporary table for the picked ids and
 * another for the update's rows, and took twice as long (330 µs against 170 µs for five jobs,
 * on a batch's database).
 */
async function markPicked(
  db: Kysely<Database>,
  dialect: StoreDialect,
  picked: RawBuilder<unknown>,
  options: ClaimOptions,
): Promise<Job[]> {
  const { workerId, leaseMs, now } = options;
  const claim = sql`state = 'running', attempts = jobs.attempts + 1, locked_by = ${workerId}, locked_until = ${now + leaseMs}, updated_at = ${now}`;
  let rows: JobRow[];
  if (dialect === 'postgres') {
    rows = (
      await sql<JobRow>`WITH claimable AS (${picked}) UPDATE jobs SET ${claim} FROM claimable WHERE jobs.id = claimable.id RETURNING jobs.*`.execute(
        db,
      )
    ).rows;
  } else {
    const ids = (await sql<{ id: string }>`${picked}`.execute(db)).rows.map((row) => row.id);
    if (ids.length === 0) return [];
    rows = (
      await sql<JobRow>`UPDATE jobs SET ${claim} WHERE id IN (${sql.join(ids)}) AND state = 'pending' AND run_at <= ${now} RETURNING *`.execute(
        db,
      )
    ).rows;
  }
  return rows.map(jobFromRow).sort((a, b) => a.runAt - b.runAt);
}

/**
 * Puts the jobs of dead workers (lease expired without renewal) back in the queue, due now.
 * Their attempt stays counted. Run by every worker on a jittered interval, like graphile's
 * resetLockedAt, so many workers do not sweep at the same moment.
 */
export async function reclaimExpiredLeases(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'pending', locked_by: null, locked_until: null, run_at: now, updated_at: now })
    .where('state', '=', sql.lit('running'))
    // A lease taken at t for L ms ends at t + L: from that instant the job is anyone's.
    .where('locked_until', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
