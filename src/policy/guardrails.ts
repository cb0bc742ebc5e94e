import type { CustomerKeys } from './customer-keys.js';
import type { SubscriptionFacts } from './evidence.js';
import type { RuleOutcome } from './rule-outcome.js';
import { sameCustomer } from './rules/repeat.js';
import type { PolicySettings } from './settings.js';
import { count, users } from './wording.js';

/**
 * Guardrails: what the policy does not refuse but will not let through on one person's word. A
 * request that trips any of them waits in `awaiting_approval` until an approver who is not the
 * requester approves or declines it. The ceiling (the user-count rule) still refuses outright.
 */
export const guardrailOrder = [
  'seats_over_evidence',
  'engineer_daily_cap',
  'desk_daily_cap',
  'refused_prospect',
  'typed_evidence_seats',
  'repeat',
  'ticket_unreadable',
] as const;

export type GuardrailName = (typeof guardrailOrder)[number];

/**
 * A guardrail that holds a request. `code` is UPPER_SNAKE and stable: USER_COUNT_ABOVE_EVIDENCE,
 * ENGINEER_DAILY_CAP, DESK_DAILY_CAP, REFUSED_PROSPECT_TYPED_VALUES, TYPED_EVIDENCE_ABOVE_SEATS,
 * REPEAT_NEEDS_APPROVAL, TICKET_NOT_CHECKED. `message` says why, to the requester and to the approver.
 */
export interface GuardrailOutcome {
  guardrail: GuardrailName;
  code: string;
  message: string;
  /** For REPEAT_NEEDS_APPROVAL and REFUSED_PROSPECT_TYPED_VALUES: the earlier request. */
  relatedRequestId?: string;
}

/** The thresholds, one setting each (LIFELINE_APPROVAL_*). */
export interface ApprovalGuardrailSettings {
  /** A user count more than this factor over the greater of licensed and maximum users. */
  seatFactor: number;
  /** Licenses one engineer may be issued in a rolling 24 hours without approval. */
  dailyCapPerEngineer: number;
  /** Licenses the whole desk may be issued in a rolling 24 hours without approval. */
  dailyCapDesk: number;
  /** The largest user count typed evidence (no license file) may carry without approval. */
  typedEvidenceMaxUsers: number;
}

export const defaultApprovalGuardrails: ApprovalGuardrailSettings = {
  seatFactor: 1.5,
  dailyCapPerEngineer: 10,
  dailyCapDesk: 50,
  typedEvidenceMaxUsers: 1_000,
};

/** An earlier request the policy refused, for the prospect guardrail. */
export interface RefusedRequest {
  requestId: string;
  customerKeys: CustomerKeys;
  /** Refused as a prospect (PROSPECT_TRIAL), or its evidence was a trial license. */
  prospect: boolean;
}

/**
 * Licenses issued (or on their way) in the 24 hours before this request, counted by the store on
 * the service's clock: the policy itself never reads a clock.
 */
export interface RecentIssues {
  requester: string;
  byRequester: number;
  byDesk: number;
}

export interface GuardrailInput {
  userCount: number;
  facts: SubscriptionFacts | undefined;
  keys: CustomerKeys;
  recentIssues?: RecentIssues;
  refusedBefore?: readonly RefusedRequest[];
  repeat: RuleOutcome;
  /** The evidence rule's outcome: ZENDESK_UNREACHABLE means the ticket could not be checked. */
  evidence?: RuleOutcome;
}

/** Every guardrail that holds this request, in guardrailOrder; empty when none does. */
export function checkGuardrails(
  input: GuardrailInput,
  settings: PolicySettings,
): GuardrailOutcome[] {
  const limits = settings.approval;
  const held: GuardrailOutcome[] = [];
  const { userCount, facts } = input;
  const countable = typeof userCount === 'number' && Number.isInteger(userCount) && userCount > 0;

  if (countable && facts !== undefined) {
    const base = Math.max(facts.licensedUsers ?? 0, facts.maximumUsers ?? 0);
    if (userCount > base * limits.seatFactor) {
      held.push({
        guardrail: 'seats_over_evidence',
        code: 'USER_COUNT_ABOVE_EVIDENCE',
        message: `The user count ${count(userCount)} is more than ${count(limits.seatFactor)} times the evidence’s ${users(base)} (the greater of licensed and maximum users): a second person must approve it.`,
      });
    }
  }
  const recent = input.recentIssues;
  if (recent !== undefined) {
    if (recent.byRequester >= limits.dailyCapPerEngineer) {
      held.push({
        guardrail: 'engineer_daily_cap',
        code: 'ENGINEER_DAILY_CAP',
        message: `${recent.requester} has already been issued ${licenses(recent.byRequester)} in the last 24 hours (the cap is ${count(limits.dailyCapPerEngineer)} per engineer): a second person must approve another.`,
      });
    }
    if (recent.byDesk >= limits.dailyCapDesk) {
      held.push({
        guardrail: 'desk_daily_cap',
        code: 'DESK_DAILY_CAP',
        message: `The support desk has already issued ${licenses(recent.byDesk)} in the last 24 hours (the cap is ${count(limits.dailyCapDesk)} for the desk): a second person must approve another.`,
      });
    }
  }
  if (facts?.source === 'screenshots') {
    const refused = (input.refusedBefore ?? []).find(
      (earlier) =>
        earlier.prospect && sameCustomer(input.keys, earlier.customerKeys, settings) !== undefined,
    );
    if (refused !== undefined) {
      held.push({
        guardrail: 'refused_prospect',
        code: 'REFUSED_PROSPECT_TYPED_VALUES',
        message: `This customer was refused before as a prospect (request ${refused.requestId}, trial license evidence) and now arrives with typed values: a second person must check the screenshots and approve.`,
        relatedRequestId: refused.requestId,
      });
    }
    if (countable && userCount > limits.typedEvidenceMaxUsers) {
      held.push({
        guardrail: 'typed_evidence_seats',
        code: 'TYPED_EVIDENCE_ABOVE_SEATS',
        message: `${users(userCount)} on typed values alone (no license file) is above the ${users(limits.typedEvidenceMaxUsers)} typed evidence may carry: a second person must approve it, or attach the customer’s license file.`,
      });
    }
  }
  if (input.repeat.code === 'REPEAT') {
    held.push({
      guardrail: 'repeat',
      code: 'REPEAT_NEEDS_APPROVAL',
      message: `${input.repeat.message} An approver may grant a second one, with a reason.`,
      ...(input.repeat.relatedRequestId !== undefined && {
        relatedRequestId: input.repeat.relatedRequestId,
      }),
    });
  }
  if (input.evidence?.code === 'ZENDESK_UNREACHABLE') {
    held.push({
      guardrail: 'ticket_unreadable',
      code: 'TICKET_NOT_CHECKED',
      message: `${input.evidence.message} A second person must check the screenshots on the ticket and approve.`,
    });
  }
  return held;
}

/** What is wrong with the guardrail settings, in sentences (empty when usable). */
export function approvalSettingsProblems(limits: ApprovalGuardrailSettings): string[] {
  const problems: string[] = [];
  if (!(Number.isFinite(limits.seatFactor) && limits.seatFactor >= 1 && limits.seatFactor <= 1000))
    problems.push(
      `approval.seatFactor must be a number from 1 to 1000 (got ${limits.seatFactor}).`,
    );
  for (const name of ['dailyCapPerEngineer', 'dailyCapDesk', 'typedEvidenceMaxUsers'] as const) {
    const value = limits[name];
    if (!Number.isInteger(value) || value < 1)
      problems.push(`approval.${name} must be a whole number of at least 1 (got ${value}).`);
  }
  return problems;
}

function licenses(n: number): string {
  return n === 1 ? '1 emergency license' : `${count(n)} emergency licenses`;
}
