import { sql, type Kysely, type QueryCreator, type SelectQueryBuilder } from 'kysely';
import type { StoreDialect } from '../../store/dialect.js';
import type { Database, JobRow } from '../../store/schema.js';
import { jobFromRow } from '../job-row.js';
import type { Job, JobKind } from '../job.js';

/**
 * Claims up to `limit` due pending jobs of any kind in one statement, oldest first. The worker
 * claims by kind (claimJobsByKind) whenever it has per-kind slots, as the service always does;
 * this one reads the pending jobs through `jobs_due` (the state is a literal: see migration
 * 0019) and sorts them, which only live jobs ever enter. The attempt is counted here, so a
 * crash mid-step uses one up. Jobs of a worker that died come back through
 * `reclaimExpiredLeases`, not here: an OR over both conditions made every claim scan the whole
 * table.
 *
 * The due jobs are chosen in a CTE, which both databases evaluate exactly once. Written as
 * `UPDATE … WHERE id IN (SELECT … LIMIT n)`, PostgreSQL may re-run the sub-select per row and
 * claim more than `limit` jobs (seen in our tests once the plan changed).
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` lets many workers claim at once without waiting on each
 * other. SQLite rejects that clause, and needs none: it allows one writer at a time, so the
 * single statement is atomic by itself.
 */
export async function claimJobs(
  db: Kysely<Database>,
  dialect: StoreDialect,
  options: { workerId: string; limit: number; leaseMs: number; now: number; kinds?: JobKind[] },
): Promise<Job[]> {
  const { limit, now, kinds } = options;
  return claimChosen(
    db,
    (qb) =>
      qb
        .selectFrom('jobs')
        .select('id')
        .where('state', '=', sql.lit('pending'))
        .where('run_at', '<=', now)
        .$if(kinds !== undefined, (select) => select.where('kind', 'in', kinds ?? []))
        .orderBy('run_at')
        .limit(limit)
        .$if(dialect === 'postgres', (select) => select.forUpdate().skipLocked()),
    options,
  );
}

/**
 * Claims up to each kind's free slots of its oldest due jobs, and at most `limit` in all,
 * oldest first. Each kind is its own seek through the `jobs_due` index, so due
 * jobs of other kinds are never walked; the worker used to run one statement per group of
 * kinds, each walking every due job of the kinds it left out.
 *
 * Each kind's pick is a derived table with its own ORDER BY and LIMIT (SQLite allows neither on
 * a branch of a compound select), joined by UNION ALL. On PostgreSQL each pick locks what it
 * picks with SKIP LOCKED; a row picked but cut by the outer limit is only locked until commit.
 *
 * Written as SQL, not with the query builder: this runs about three times per request, and
 * building and compiling its eleven picks took 135 µs of the worker's one thread each time,
 * more than SQLite took to run it. PostgreSQL picks and marks in one statement (the CTE, see
 * claimJobs). SQLite picks, then marks by id those of the picked that are still pending and due:
 * another process may have claimed some in between, and those it leaves, so no job is claimed
 * twice and no transaction is held across the two. As one statement SQLite built a temporary
 * table for the picked ids and another for the update's rows, and took twice as long (330 µs
 * against 170 µs for five jobs, on a batch's database).
 */
export async function claimJobsByKind(
  db: Kysely<Database>,
  dialect: StoreDialect,
  options: {
    workerId: string;
    slots: ReadonlyArray<readonly [JobKind, number]>;
    limit: number;
    leaseMs: number;
    now: number;
  },
): Promise<Job[]> {
  const { limit, now, workerId, leaseMs } = options;
  const slots = options.slots.filter(([, n]) => n > 0);
  if (slots.length === 0 || limit <= 0) return [];
  const lock = dialect === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
  const picks = slots.map(
    ([kind, n], i) =>
      sql`SELECT id, run_at FROM (SELECT id, run_at FROM jobs WHERE kind = ${kind} AND state = 'pending' AND run_at <= ${now} ORDER BY run_at LIMIT ${n}${lock}) AS ${sql.raw(`pick${i}`)}`,
  );
  const due = sql`SELECT id FROM (${sql.join(picks, sql` UNION ALL `)}) AS due ORDER BY run_at LIMIT ${limit}`;
  const claim = sql`state = 'running', attempts = jobs.attempts + 1, locked_by = ${workerId}, locked_until = ${now + leaseMs}, updated_at = ${now}`;
  if (dialect === 'postgres') {
    const { rows } =
      await sql<JobRow>`WITH claimable AS (${due}) UPDATE jobs SET ${claim} FROM claimable WHERE jobs.id = claimable.id RETURNING jobs.*`.execute(
        db,
      );
    return rows.map(jobFromRow).sort((a, b) => a.runAt - b.runAt);
  }
  const picked = (await sql<{ id: string }>`${due}`.execute(db)).rows.map((row) => row.id);
  if (picked.length === 0) return [];
  const { rows } =
    await sql<JobRow>`UPDATE jobs SET ${claim} WHERE id IN (${sql.join(picked)}) AND state = 'pending' AND run_at <= ${now} RETURNING *`.execute(
      db,
    );
  return rows.map(jobFromRow).sort((a, b) => a.runAt - b.runAt);
}

/**
 * Marks the jobs `choose` picks as this worker's, counting the attempt and taking the lease, in
 * the one statement that picks them (a CTE, which both databases evaluate exactly once).
 */
async function claimChosen(
  db: Kysely<Database>,
  // The picked rows may come from 'jobs' or from a derived table: only their `id` matters.
  choose: (qb: QueryCreator<Database>) => SelectQueryBuilder<object, never, { id: string }>,
  options: { workerId: string; leaseMs: number; now: number },
): Promise<Job[]> {
  const { workerId, leaseMs, now } = options;
  const rows = await db
    .with('claimable', choose)
    .updateTable('jobs')
    .from('claimable')
    .set((eb) => ({
      state: 'running',
      attempts: eb('jobs.attempts', '+', 1),
      locked_by: workerId,
      locked_until: now + leaseMs,
      updated_at: now,
    }))
    .whereRef('jobs.id', '=', 'claimable.id')
    .returningAll()
    .execute();
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
