import type { Kysely } from 'kysely';
import type { StoreDialect } from '../../store/dialect.js';
import type { Database } from '../../store/schema.js';
import { jobFromRow } from '../job-row.js';
import type { Job } from '../job.js';

/**
 * Claims up to `limit` jobs in one statement: due pending jobs, and running jobs whose lease
 * expired (their worker died). The attempt is counted here, so a crash mid-step uses one up.
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` lets many workers claim at once without waiting on each
 * other. SQLite rejects that clause, and needs none: it allows one writer at a time, so the
 * single UPDATE … WHERE id IN (SELECT …) RETURNING is atomic by itself.
 */
export async function claimJobs(
  db: Kysely<Database>,
  dialect: StoreDialect,
  options: { workerId: string; limit: number; leaseMs: number; now: number },
): Promise<Job[]> {
  const { workerId, limit, leaseMs, now } = options;
  const claimable = db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', now)]),
        eb.and([eb('state', '=', 'running'), eb('locked_until', '<', now)]),
      ]),
    )
    .orderBy('run_at')
    .limit(limit)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'running',
      attempts: eb('attempts', '+', 1),
      locked_by: workerId,
      locked_until: now + leaseMs,
      updated_at: now,
    }))
    .where('id', 'in', claimable)
    .returningAll()
    .execute();
  return rows.map(jobFromRow).sort((a, b) => a.runAt - b.runAt);
}
