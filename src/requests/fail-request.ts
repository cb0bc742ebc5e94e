import type { Kysely } from 'kysely';
import type { FailureVerdict } from '../jobs/job-handler.js';
import type { Database } from '../store/schema.js';
import type { RequestStep } from './request.js';
import { moveRequest } from './request-life.js';
import { recordEvent } from './timeline.js';
import type { AnnouncementDestinations } from './deliveries.js';
import type { TrackerSyncContext } from './steps/sync-tracker-issue.js';

/** What the engineer should do after a step failed, in words that fit the failure. */
export function nextActionFor(step: RequestStep, verdict: FailureVerdict): string {
  if (step === 'generate_license') {
    return 'Check the signing key configuration (lifeline doctor), then retry the request. No license was created, so a new request is also fine.';
  }
  if (verdict.code?.includes('RECIPIENT') || verdict.code?.includes('REFUSED')) {
    return "Check the customer's email address with them, then resend the license to the right address (the license exists; resending never creates another).";
  }
  if (verdict.permanent) {
    return 'Fix what the error names (lifeline doctor shows the mail settings), then retry the request: the same license is sent, no new one is created.';
  }
  return 'The mail server kept failing; retry the request once it is back, or download the license from the request page and send it from the ticket.';
}

/**
 * Marks a request failed at `step` and records why; the move itself asks for the tracker
 * issue, the notice and the ticket note to say so, in the same transaction.
 */
export async function failRequest(
  db: Kysely<Database>,
  requestId: string,
  step: { kind: RequestStep; label: string },
  verdict: FailureVerdict,
  destinations: AnnouncementDestinations,
  now: number,
  tracker?: TrackerSyncContext,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const nextAction = nextActionFor(step.kind, verdict);
    const moved = await moveRequest(
      trx,
      requestId,
      {
        to: 'failed',
        patch: {
          failed_step: step.kind,
          failure_message: verdict.message,
          failure_next_action: nextAction,
        },
      },
      { now, destinations, ...(tracker && { tracker }) },
    );
    if (moved === undefined) return;
    await recordEvent(
      trx,
      {
        requestId,
        kind: 'request.failed',
        message: `Could not ${step.label}: ${verdict.message}`,
        data: { step: step.kind, code: verdict.code, nextAction },
      },
      now,
    );
  });
}
