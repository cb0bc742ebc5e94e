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
}
