import { sql, type Kysely } from 'kysely';
import { onPostgres } from '../../store/dialect.js';
import type { Database } from '../../store/schema.js';

/** The PostgreSQL channel idle workers listen on (see `src/service/job-notifications.ts`). */
export const jobChannel = 'lifeline_jobs';

/**
 * Tells workers in every process that jobs are waiting. Called inside the transaction that
 * enqueues them: PostgreSQL delivers a NOTIFY only when its transaction commits (never for a
 * rollback, so no worker wakes for jobs that do not exist), and folds identical notifications
 * of one transaction into one. On SQLite all roles share one process and the in-process wake
 * signal is enough, so this does nothing there; the poll is the fallback on both.
 */
export async function notifyJobs(db: Kysely<Database>): Promise<void> {
  if (!onPostgres(db)) return;
  await sql`select pg_notify(${jobChannel}, '')`.execute(db);
}
