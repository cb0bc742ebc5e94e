import type { StepKind as JobKind } from '../requests/pipeline.js';

/**
 * The durable job table's vocabulary.
 * - job: one step of a request's work (generate the license, send an email, sync the tracker
 *   issue, post the notice, note the ticket, end a wait for approval), stored in `jobs` and run by a worker.
 * - attempt: one run of a job; counted when the job is claimed, so a crash uses one up.
 * - lease: how long a claimed job belongs to its worker; the worker renews it while it runs,
 *   and an expired lease lets another worker take the job over (a crashed worker's jobs).
 * - unique key: at most one job with a given key ever exists, so enqueueing twice is harmless.
 * - kind: which step of the registry (src/requests/pipeline.ts) the job runs; the kinds are
 *   derived from it, so a new step is never declared here.
 */
export type { JobKind };

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

export interface NewJob<Kind extends string = JobKind> {
  kind: Kind;
  /** Omitted for scheduled work. */
  requestId?: string;
  deliveryId?: string;
  /** Default: now. */
  runAt?: number;
  maxAttempts?: number;
  uniqueKey?: string;
}
