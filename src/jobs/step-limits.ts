import type { JobKind } from './job.js';

/**
 * How many jobs of each kind one worker runs at once: every step that talks to a remote has
 * slots of its own, so a remote that hangs (an SMTP server that accepts and never answers)
 * ties up only its own, and license generation never waits behind it. The worker's overall
 * LIFELINE_WORKER_CONCURRENCY still caps the sum. Change them with LIFELINE_STEP_CONCURRENCY,
 * e.g. `send_email=2,post_notice=1`.
 */
export const defaultStepConcurrency: Readonly<Record<JobKind, number>> = {
  generate_license: 4,
  send_email: 3,
  sync_tracker_issue: 2,
  post_notice: 2,
  note_ticket: 2,
  cover_reminder: 2,
  comment_tracker_issue: 2,
  expire_approval: 1,
  // Scheduled work is a few jobs a day; one at a time keeps a slow digest from crowding steps.
  run_schedule: 1,
  // A batch submits its rows one after another; its requests' steps use the slots above.
  run_batch: 1,
};

/** The kinds in the order the worker offers them slots: the license first. */
export const stepKinds = Object.keys(defaultStepConcurrency) as JobKind[];

/** Which remote each step talks to (named as in `doctor`, `/readyz` and metrics). */
export const stepRemote: Readonly<Record<JobKind, string | undefined>> = {
  generate_license: undefined,
  send_email: 'mail',
  sync_tracker_issue: 'tracker',
  post_notice: 'notice',
  note_ticket: 'ticket',
  cover_reminder: undefined,
  comment_tracker_issue: 'tracker',
  expire_approval: undefined,
  run_schedule: undefined,
  run_batch: undefined,
};

/** Parses `kind=N,kind=N` over the defaults; throws a sentence naming what is wrong. */
export function parseStepConcurrency(text: string | undefined): Record<JobKind, number> {
  const limits = { ...defaultStepConcurrency };
  for (const part of (text ?? '').split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const match = /^([a-z_]+)\s*=\s*(\d+)$/.exec(part);
    const kind = match?.[1] as JobKind | undefined;
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
