import type { CalendarDate } from '../license/calendar-date.js';

/**
 * What happened to an emergency request, in the shape every outside party is told about it
 * (the Slack notice, the Zendesk note). Adapters render it in their own format.
 */
export interface RequestOutcome {
  requestId: string;
  outcome: 'issued' | 'failed';
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
