import { decisionView, type DecisionView } from '../decision-view.js';
import { decideSubmission, readSubmission, type DecisionContext } from '../decide-submission.js';
import type { Submission } from '../submission.js';
import type { Store } from '../../store/database.js';

/**
 * The policy's answer for a submission, decided exactly as a request would be, with nothing
 * recorded or started: the live check of the forms and the sidebar.
 */
export async function checkEligibility(
  ctx: DecisionContext & { store: Store },
  submission: Submission,
  requesterName: string,
): Promise<DecisionView> {
  const today = ctx.clock.today();
  const read = await readSubmission(ctx, submission);
  const decision = await decideSubmission(ctx.store.db, ctx, submission, read, requesterName, {
    now: ctx.clock.now(),
    today,
  });
  return decisionView(decision);
}
