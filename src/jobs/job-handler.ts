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

/** A job of a request's own steps: every kind but scheduled work carries its request. */
export type RequestJob = Job & { requestId: string };

/** A request step: like a JobHandler, for jobs known to carry their request. */
export interface RequestStepHandler {
  run(job: RequestJob, signal: AbortSignal): Promise<void>;
  onFailed?(job: RequestJob, error: FailureVerdict): Promise<void>;
}

/**
 * A request step as a job handler. A step's job without a request cannot come from our own
 * enqueues; it fails for good with a sentence rather than running on nothing.
 */
export function forRequests(step: RequestStepHandler): JobHandler {
  const requestJob = (job: Job): RequestJob => {
    if (job.requestId === null) {
      throw new PermanentJobError(`The ${job.kind} job ${job.id} names no request.`);
    }
    return { ...job, requestId: job.requestId };
  };
  return {
    run: (job, signal) => step.run(requestJob(job), signal),
    ...(step.onFailed && {
      onFailed: (job, error) =>
        job.requestId === null
          ? Promise.resolve()
          : (step.onFailed?.(requestJob(job), error) ?? Promise.resolve()),
    }),
  };
}

/** A job that cannot run as stored: the failure classifier treats it as permanent. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

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
