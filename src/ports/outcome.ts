import type { CalendarDate } from '../license/calendar-date.js';

/**
 * What happened to an emergency request, in the shape every outside party is told about it
 * (the Slack notice, the Zendesk note). Adapters render it in their own format.
 */
export type OutcomeKind = 'issued' | 'failed' | 'awaiting_approval' | 'declined' | 'expired';

export const outcomeKinds: readonly OutcomeKind[] = [
  'issued',
  'failed',
  'awaiting_approval',
  'declined',
  'expired',
];

export interface RequestOutcome {
  requestId: string;
  /**
   * issued / failed: how the pipeline ended. awaiting_approval: a guardrail holds the request
   * for an approver. declined / expired: it ended without a license after waiting.
   */
  outcome: OutcomeKind;
  ticket: { id: string; url: string };
  customerEmail: string;
  userCount: number;
  /** The support engineer who asked. */
  requestedBy: string;
  /** When issued: the day the temporary license stops working (from 00:00, server time). */
  expiresAt?: CalendarDate;
  /** When issued: the last full day it works, the day before expiresAt. */
  lastFullDay?: CalendarDate;
  trackerIssue?: { number: number; url?: string; title: string };
  /** When failed: the step that failed, the error, and what to do next. */
  failure?: { step: string; message: string; nextAction: string };
  /** While or after waiting for approval: why, until when, and the verdict. */
  approval?: {
    /** The guardrails' sentences. */
    reasons: string[];
    /** Who may approve, in words: "an approver other than alice". */
    whoMayApprove: string;
    /** ISO instant the request expires unless approved. */
    expiresAt: string;
    decidedBy?: string;
    reason?: string;
  };
  /** A link to the request in the Lifeline console, when the public URL is configured. */
  requestUrl?: string;
  /**
   * Set when this is news of the cover after delivery (a reminder, the lapse, the renewal, an
   * extension) rather than of the issue itself: adapters render it instead.
   */
  cover?: CoverNotice;
}

export interface CoverNotice {
  event: 'reminder' | 'lapsed' | 'renewed' | 'extended';
  /** The event's stable key (e.g. `reminder-3d-L0`): how a note added before a crash is found. */
  key: string;
  /** One line: what happened. */
  headline: string;
  /** Plain sentences, safe for nothing: each adapter escapes them for its destination. */
  lines: string[];
}
