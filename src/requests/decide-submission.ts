import type { CalendarDate } from '../license/calendar-date.js';
import type { Kysely } from 'kysely';
import {
  customerKeys,
  decide,
  readEvidence,
  type CustomerKeys,
  type Decision,
} from '../policy/index.js';
import type { Database } from '../store/schema.js';
import { findEarlierEmergencies } from './earlier-emergencies.js';
import { countRecentIssues, findRefusedBefore } from './guardrail-history.js';
import type { Submission } from './submission.js';
import { gatherTicketEvidence, type GatheredEvidence } from './ticket-evidence.js';
import type { SubmitContext } from './submit-request.js';

export type DecisionContext = Pick<
  SubmitContext,
  'clock' | 'policy' | 'evidenceKeys' | 'ticketDesk' | 'screenshotReads'
>;

export interface DecisionOptions {
  /**
   * The requester's volume is already approved (a batch an approver started with a reason): the
   * daily caps, which exist to make a second person look at volume, are not counted.
   */
  volumeApproved?: boolean;
}

/** What a submission says once its ticket is read: the evidence, and who the customer is. */
export interface ReadSubmission {
  gathered: GatheredEvidence;
  keys: CustomerKeys;
}

/**
 * Reads the ticket (outside any transaction: it is a call to Zendesk) and the customer's keys,
 * which decide what a submission locks before it is decided.
 */
export async function readSubmission(
  ctx: DecisionContext,
  submission: Submission,
): Promise<ReadSubmission> {
  const gathered = await gatherTicketEvidence(
    ctx.ticketDesk,
    submission.ticket.id,
    submission.evidence,
    ctx.evidenceKeys,
    ctx.screenshotReads,
  );
  const reading = readEvidence(gathered.evidence, ctx.evidenceKeys);
  const keys = customerKeys(
    submission.customerEmail,
    reading.ok ? reading.facts : undefined,
    ctx.policy,
  );
  return { gathered, keys };
}

/**
 * The policy's decision on a submission, with the history it needs (earlier emergencies, the
 * requester's recent licenses, refusals before): the same for the live check and for a request
 * being recorded, which passes its transaction so the history and its insert see each other.
 */
export async function decideSubmission(
  db: Kysely<Database>,
  ctx: DecisionContext,
  submission: Submission,
  read: ReadSubmission,
  requesterName: string,
  at: { now: number; today: CalendarDate },
  options: DecisionOptions = {},
): Promise<Decision> {
  const { now, today } = at;
  return decide(
    {
      today,
      customerEmail: submission.customerEmail,
      userCount: submission.userCount,
      evidence: read.gathered.evidence,
      earlierEmergencies: await findEarlierEmergencies(
        db,
        read.keys,
        today,
        ctx.policy.repeatPeriodDays,
      ),
      ...(read.gathered.ticketEvidence && { ticketEvidence: read.gathered.ticketEvidence }),
      ...(!options.volumeApproved && {
        recentIssues: await countRecentIssues(db, requesterName, now),
      }),
      refusedBefore: await findRefusedBefore(db, read.keys),
    },
    ctx.evidenceKeys,
    ctx.policy,
  );
}
