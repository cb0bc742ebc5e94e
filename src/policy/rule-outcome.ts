import type { TicketAttachment } from './ticket-evidence.js';

/** The rules of the policy, in the order every decision lists them. */
export const ruleOrder = [
  'evidence',
  'paid_plan',
  'window',
  'user_count',
  'seats',
  'repeat',
] as const;

export type RuleName = (typeof ruleOrder)[number];

/** One rule's verdict: a stable code for machines and a sentence for the support engineer. */
export interface RuleOutcome {
  rule: RuleName;
  passed: boolean;
  /**
   * UPPER_SNAKE and stable. evidence: EVIDENCE_OK, EVIDENCE_UNREADABLE, EVIDENCE_INVALID,
   * SCREENSHOTS_MISSING, SCREENSHOTS_NOT_ON_TICKET, EVIDENCE_MISSING, ZENDESK_UNREACHABLE; paid_plan: PAID_PLAN, PROSPECT_TRIAL, NOT_PAID_PLAN; window: IN_WINDOW,
   * GRACE_STILL_RUNNING, WINDOW_PASSED; user_count: USER_COUNT_OK, USER_COUNT_INVALID,
   * USER_COUNT_ABOVE_CEILING; seats: SEATS_OK, SEATS_OK_PREVIOUS_USER_COUNT,
   * SEATS_REFUSED_BY_GITLAB; repeat: NO_REPEAT, REPEAT. Any rule: NOT_CHECKED (facts missing),
   * RULE_ERROR (the rule itself failed: a bug, reported rather than thrown).
   */
  code: string;
  message: string;
  /**
   * Failed, but not refused: an approver who is not the requester may let the request through
   * (REPEAT). The decision's guardrails say why.
   */
  needsApproval?: true;
  /** For REPEAT: the earlier request to resend instead. */
  relatedRequestId?: string;
  /** For SEATS_REFUSED_BY_GITLAB: the smallest user count GitLab accepts, offered in one click. */
  suggestedUserCount?: number;
  /** For SEATS_OK_PREVIOUS_USER_COUNT: the license's restrictions.previous_user_count. */
  previousUserCount?: number;
  /**
   * The rule could not be evaluated (ZENDESK_UNREACHABLE): not passed, but not a verdict on the
   * customer either.
   */
  notChecked?: boolean;
  /** For the evidence rule: the ticket's attachments it looked at (the screenshots, the file). */
  attachments?: TicketAttachment[];
}

/** The outcome of a rule that needs facts the evidence did not give. */
export function notChecked(rule: RuleName, why: string): RuleOutcome {
  return { rule, passed: false, code: 'NOT_CHECKED', message: `Not checked: ${why}.` };
}
