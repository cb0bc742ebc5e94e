import type { Kysely } from 'kysely';
import type { Decision } from '../policy/index.js';
import type { Database } from '../store/schema.js';
import {
  decideSubmission,
  readSubmission,
  type DecisionContext,
  type DecisionOptions,
} from './decide-submission.js';
import type { Submission } from './submission.js';

export type PreviewContext = DecisionContext;
export type PreviewOptions = DecisionOptions;

/**
 * What the policy and its guardrails would decide for a submission now, recording nothing: the
 * same reading and decision POST /api/v1/requests records, for a batch's dry run.
 */
export async function previewDecision(
  db: Kysely<Database>,
  ctx: PreviewContext,
  submission: Submission,
  requester: string,
  options: PreviewOptions = {},
): Promise<Decision> {
  const read = await readSubmission(ctx, submission);
  return decideSubmission(
    db,
    ctx,
    submission,
    read,
    requester,
    { now: ctx.clock.now(), today: ctx.clock.today() },
    options,
  );
}
