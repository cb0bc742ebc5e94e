import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Job, JobKind } from './job.js';

/**
 * What a job kind does. `run` must be idempotent: after a crash the same attempt may run again.
 * `onFailed` runs once, after the last attempt failed or a permanent error, to record the
 * failure where people will see it.
 */
export interface JobHandler {
  run(job: Job, signal: AbortSignal, settle: JobSettlement): Promise<void>;
  onFailed?(job: Job, error: FailureVerdict): Promise<void>;
}

/**
 * How a step ends its own job inside its last transaction, so the step's writes and the job's
 * completion commit together (one write transaction, not two; issue 11). `complete` answers
 * false, and completes nothing, when another worker has taken the job over; the step's writes
 * still commit, as they did when completion came after them: they record what a remote already
 * did (an email accepted, an issue opened), and rolling that back made the new holder send a
 * second email (crash-recovery test, under load). A step that returns without calling it is
 * completed by the worker.
 */
export interface JobSettlement {
  complete(trx: Kysely<Database>): Promise<boolean>;
}

export type JobHandlers = Record<JobKind, JobHandler>;

/** A job of a request's own steps: every kind but scheduled work carries its request. */
export type RequestJob = Job & { requestId: string };

/** A request step: like a JobHandler, for jobs known to carry their request. */
export interface RequestStepHandler {
  run(job: RequestJob, signal: AbortSignal, settle: JobSettlement): Promise<void>;
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
    run: (job, signal, settle) => step.run(requestJob(job), signal, settle),
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
 * Thrown by a handler that cannot run yet (another worker is syncing the request's tracker issue):
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
