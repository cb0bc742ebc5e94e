import type { Job, JobKind } from './job.js';

/**
 * What a job kind does. `run` must be idempotent: after a crash the same attempt may run again.
 * `onFailed` runs once, after the last attempt failed or a permanent error, to record the
 * failure where people will see it.
 */
export interface JobHandler {
  run(job: Job, signal: AbortSignal): Promise<void>;
  onFailed?(job: Job, error: FailureVerdict): Promise<void>;
}

export type JobHandlers = Record<JobKind, JobHandler>;

/** How the worker reads an error thrown by a handler. */
export interface FailureVerdict {
  /** Safe to store and show: never holds a secret. */
  message: string;
  /** No attempt can succeed (refused recipient, bad configuration): stop now. */
  permanent: boolean;
  /** The remote side asked us to wait at least this long. */
  retryAfterMs?: number;
  code?: string;
}

export type FailureClassifier = (error: unknown) => FailureVerdict;

/**
 * Thrown by a handler that cannot run yet (another worker holds the request's tracker lock):
 * the job goes back to the queue without using up an attempt.
 */
export class RunLater extends Error {
  override readonly name = 'RunLater';
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
  }
}
