import type { Kysely } from 'kysely';
import type { StoreDialect } from '../../store/dialect.js';
import type { Database } from '../../store/schema.js';
import { jobFromRow } from '../job-row.js';
import type { Job, JobKind } from '../job.js';

/**
 * Claims up to `limit` due pending jobs in one statement, oldest first, through the
 * (state, run_at) index. The attempt is counted here, so a crash mid-step uses one up. Jobs of
 * a worker that died come back through `reclaimExpiredLeases`, not here: an OR over both
 * conditions made every claim scan the whole table.
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
  const { workerId, limit, leaseMs, now, kinds } = options;
  const rows = await db
    .with('claimable', (qb) =>
      qb
        .selectFrom('jobs')
        .select('id')
        .where('state', '=', 'pending')
        .where('run_at', '<=', now)
        .$if(kinds !== undefined, (select) => select.where('kind', 'in', kinds ?? []))
        .orderBy('run_at')
        .limit(limit)
        .$if(dialect === 'postgres', (select) => select.forUpdate().skipLocked()),
    )
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
    .where('state', '=', 'running')
    // A lease taken at t for L ms ends at t + L: from that instant the job is anyone's.
    .where('locked_until', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
