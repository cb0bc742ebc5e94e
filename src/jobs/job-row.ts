import type { JobRow } from '../store/schema.js';
import type { Job, JobKind, JobState } from './job.js';

export function jobFromRow(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    requestId: row.request_id,
    deliveryId: row.delivery_id,
    state: row.state as JobState,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: Number(row.run_at),
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    lastError: row.last_error,
    uniqueKey: row.unique_key,
  };
}
