import type { Kysely } from 'kysely';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { Database, RequestUpdate } from '../store/schema.js';
import { trackerSyncJob } from './job-plan.js';

/**
 * Changes a request and, in the same transaction, asks for its tracker issue to be brought up to
 * date: every visible change of a request reaches the tracker, and none is forgotten by a crash.
 */
export async function changeRequest(
  db: Kysely<Database>,
  requestId: string,
  patch: RequestUpdate,
  now: number,
): Promise<number> {
  const row = await db
    .updateTable('requests')
    .set((eb) => ({ ...patch, revision: eb('revision', '+', 1), updated_at: now }))
    .where('id', '=', requestId)
    .returning('revision')
    .executeTakeFirstOrThrow();
  const revision = Number(row.revision);
  await enqueueJobs(db, [trackerSyncJob(requestId, revision)], now);
  return revision;
}
