import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { TicketDesk } from '../delivery/ticket/ticket-desk.js';
import type { VerificationKey } from '../license/index.js';
import {
  customerKeys,
  decide,
  readEvidence,
  type Decision,
  type PolicySettings,
} from '../policy/index.js';
import type { Database } from '../store/schema.js';
import { findEarlierEmergencies } from './earlier-emergencies.js';
import { countRecentIssues, findRefusedBefore } from './guardrail-history.js';
import type { Submission } from './submission.js';
import { gatherTicketEvidence } from './ticket-evidence.js';

export interface PreviewContext {
  clock: Clock;
  policy: PolicySettings;
  evidenceKeys: readonly VerificationKey[];
  ticketDesk?: TicketDesk;
}

export interface PreviewOptions {
  /**
   * The requester's volume is already approved (a batch an approver started with a reason): the
   * daily caps, which exist to make a second person look at volume, are not counted.
   */
  volumeApproved?: boolean;
}

/**
 * What the policy and its guardrails would decide for a submission now, recording nothing: the
 * same reading POST /api/v1/requests decides with, for the live check and a batch's dry run.
 */
export async function previewDecision(
  db: Kysely<Database>,
  ctx: PreviewContext,
  submission: Submission,
  requester: string,
  options: PreviewOptions = {},
): Promise<Decision> {
  const today = ctx.clock.today();
  const gathered = await gatherTicketEvidence(
    ctx.ticketDesk,
    submission.ticket.id,
    submission.evidence,
    ctx.evidenceKeys,
  );
  const reading = readEvidence(gathered.evidence, ctx.evidenceKeys);
  const keys = customerKeys(
    submission.customerEmail,
    reading.ok ? reading.facts : undefined,
    ctx.policy,
  );
  const earlier = await findEarlierEmergencies(db, keys, today, ctx.policy.repeatPeriodDays);
  return decide(
    {
      today,
      customerEmail: submission.customerEmail,
      userCount: submission.userCount,
      evidence: gathered.evidence,
      earlierEmergencies: earlier,
      ...(gathered.ticketEvidence && { ticketEvidence: gathered.ticketEvidence }),
      ...(!options.volumeApproved && {
        recentIssues: await countRecentIssues(db, requester, ctx.clock.now()),
      }),
      refusedBefore: await findRefusedBefore(db, keys),
    },
    ctx.evidenceKeys,
    ctx.policy,
  );
}
