import { forRequests, type JobHandler, type RequestStepHandler } from './job-handler.js';
import type { NewJob } from './job.js';

/** Where a step's job belongs: its request, the delivery it carries out, when it is due. */
export interface JobPlace {
  requestId?: string;
  deliveryId?: string;
  runAt?: number;
}

/**
 * A step's whole contract, declared once in the step's own file: the job kind, what the step
 * does in words ("could not LABEL"), how often it is tried, how many run at once, the remote it
 * talks to (its circuit), what makes enqueueing it twice harmless, and what it runs. The job
 * kinds, the job builders, the worker's slots and the labels the console shows all derive from
 * the registry (src/requests/pipeline.ts), so a new step is one file and one line there.
 */
export interface StepDefinition<Kind extends string, Input, Context> {
  readonly kind: Kind;
  /** Fits "could not …": what the step does, for people. */
  readonly label: string;
  /**
   * Attempts before `onFailed`. With the default backoff (1 s doubling, capped at 10 min), 12
   * attempts span about an hour and 20 about two and a half.
   */
  readonly maxAttempts: number;
  /** Jobs of this kind one worker runs at once (LIFELINE_STEP_CONCURRENCY overrides it). */
  readonly concurrency: number;
  /** The remote the step talks to, as `doctor`, `/readyz` and metrics name it. */
  readonly remote?: 'mail' | 'tracker' | 'notice' | 'ticket';
  /**
   * The job's unique key (by custom `KIND:…`): at most one job per key ever exists, so a step
   * that runs twice after a crash enqueues nothing new.
   */
  uniqueKey(input: Input): string;
  place(input: Input): JobPlace;
  handler(context: Context): JobHandler;
}

/**
 * What a delivery step's job is asked with: the delivery it carries out, and the round (a resend
 * or a retry after a step failed for good starts a new one, so its unique key is free again).
 */
export interface DeliveryJobInput {
  requestId: string;
  deliveryId: string;
  round?: number;
}

/** A registered step: its contract and the job that asks for it. */
export interface Step<Kind extends string, Input, Context> extends StepDefinition<
  Kind,
  Input,
  Context
> {
  job(input: Input): NewJob<Kind>;
}

export function defineStep<const Kind extends string, Input, Context>(
  definition: StepDefinition<Kind, Input, Context>,
): Step<Kind, Input, Context> {
  return {
    ...definition,
    job: (input) => ({
      kind: definition.kind,
      ...definition.place(input),
      maxAttempts: definition.maxAttempts,
      uniqueKey: definition.uniqueKey(input),
    }),
  };
}

/** A step of a request's own work: its jobs always carry their request. */
export function defineRequestStep<const Kind extends string, Input, Context>(
  definition: Omit<StepDefinition<Kind, Input, Context>, 'handler' | 'place'> & {
    place(input: Input): JobPlace & { requestId: string };
    handler(context: Context): RequestStepHandler;
  },
): Step<Kind, Input, Context> {
  return defineStep({
    ...definition,
    handler: (context) => forRequests(definition.handler(context)),
  });
}
