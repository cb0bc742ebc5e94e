/**
 * The durable job table's vocabulary.
 * - job: one step of a request's work (generate the license, send an email, sync the tracker
 *   issue, post the notice, note the ticket, end a wait for approval), stored in `jobs` and run by a worker.
 * - attempt: one run of a job; counted when the job is claimed, so a crash uses one up.
 * - lease: how long a claimed job belongs to its worker; the worker renews it while it runs,
 *   and an expired lease lets another worker take the job over (a crashed worker's jobs).
 * - unique key: at most one job with a given key ever exists, so enqueueing twice is harmless.
 */
export type JobKind =
  | 'generate_license'
  | 'send_email'
  | 'sync_tracker_issue'
  | 'post_notice'
  | 'note_ticket'
  /** A reminder or the lapse of a cover, due at its day (src/requests/cover.ts). */
  | 'cover_reminder'
  /** A comment on the request's tracker issue (cover news). */
  | 'comment_tracker_issue'
  /** The end of a wait for approval (src/requests/approval). */
  | 'expire_approval'

  /** One occurrence of a schedule (src/schedule/). */
  | 'run_schedule'
  /** The next chunk of a batch's rows, or its end: summary notice and tracker issue (src/batches/). */
  | 'run_batch';

export type JobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  kind: JobKind;
  /** Null for scheduled work (`run_schedule`) and batches (`run_batch`), which belong to no request. */
  requestId: string | null;
  deliveryId: string | null;
  state: JobState;
  /** Attempts started so far, this one included. */
  attempts: number;
  maxAttempts: number;
  runAt: number;
  lockedBy: string | null;
  lockedUntil: number | null;
  lastError: string | null;
  /** A scheduled job's key names its schedule and occurrence (`schedule:NAME@ISO`). */
  uniqueKey: string | null;
}

export interface NewJob {
  kind: JobKind;
  /** Omitted for scheduled work. */
  requestId?: string;
  deliveryId?: string;
  /** Default: now. */
  runAt?: number;
  maxAttempts?: number;
  uniqueKey?: string;
}
