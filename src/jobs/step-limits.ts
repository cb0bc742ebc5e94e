import { pipeline, type StepKind } from '../requests/pipeline.js';

/**
 * How many jobs of each kind one worker runs at once: every step that talks to a remote has
 * slots of its own, so a remote that hangs (an SMTP server that accepts and never answers)
 * ties up only its own, and license generation never waits behind it. The worker's overall
 * LIFELINE_WORKER_CONCURRENCY still caps the sum. Each step declares its own (src/jobs/step.ts);
 * change them with LIFELINE_STEP_CONCURRENCY, e.g. `send_email=2,post_notice=1`.
 */
export const defaultStepConcurrency: Readonly<Record<StepKind, number>> = Object.fromEntries(
  pipeline.map((step) => [step.kind, step.concurrency]),
) as Record<StepKind, number>;

/** The kinds in the order the worker offers them slots: the registry's, the license first. */
export const stepKinds: readonly StepKind[] = pipeline.map((step) => step.kind);

/** Which remote each step talks to (named as in `doctor`, `/readyz` and metrics). */
export const stepRemote: Readonly<Record<StepKind, string | undefined>> = Object.fromEntries(
  pipeline.map((step) => [step.kind, 'remote' in step ? step.remote : undefined]),
) as Record<StepKind, string | undefined>;

/** Parses `kind=N,kind=N` over the defaults; throws a sentence naming what is wrong. */
export function parseStepConcurrency(text: string | undefined): Record<StepKind, number> {
  const limits = { ...defaultStepConcurrency };
  for (const part of (text ?? '').split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const match = /^([a-z_]+)\s*=\s*(\d+)$/.exec(part);
    const kind = match?.[1] as StepKind | undefined;
    const count = Number(match?.[2]);
    if (!kind || !(kind in defaultStepConcurrency) || !(count >= 1 && count <= 256)) {
      throw new Error(
        `"${part}" is not KIND=N with KIND one of ${stepKinds.join(', ')} and N from 1 to 256`,
      );
    }
    limits[kind] = count;
  }
  return limits;
}
