import { calendarDate } from '../../../src/license/calendar-date.js';
import type { RequestOutcome } from '../../../src/ports/outcome.js';

/** Outcomes as the pipeline reports them, shared by the Slack and Zendesk tests. */
export const TICKET_URL = 'https://example.zendesk.com/agent/tickets/4711';

export const issuedOutcome: RequestOutcome = {
  requestId: '0b9c5a52-6f5e-4f7e-9a55-2f3c1e0d7a11',
  outcome: 'issued',
  ticket: { id: '4711', url: TICKET_URL },
  customerEmail: 'jane@example.com',
  userCount: 250,
  requestedBy: 'sam.support',
  expiresAt: calendarDate('2026-03-17'),
  lastFullDay: calendarDate('2026-03-16'),
  trackerIssue: {
    number: 12,
    url: 'https://gitlab.example.com/support/emergency-licenses/-/issues/12',
    title: '[Success] - Created a license under jane@example.com for 250 users',
  },
  requestUrl: 'https://lifeline.example.com/requests/0b9c5a52-6f5e-4f7e-9a55-2f3c1e0d7a11',
};

export const failedOutcome: RequestOutcome = {
  requestId: '7d0e6c3a-1111-4c2b-8f00-9a8b7c6d5e4f',
  outcome: 'failed',
  ticket: { id: '4712', url: 'https://example.zendesk.com/agent/tickets/4712' },
  customerEmail: 'ops@acme.test',
  userCount: 40,
  requestedBy: 'alex <on-call>',
  trackerIssue: { number: 13, title: 'Emergency license for ops@acme.test (40 users)' },
  failure: {
    step: 'email',
    message: 'The mail server refused the recipient (550 5.1.1 <ops@acme.test> unknown)',
    nextAction: 'Check the customer email on the ticket, then retry the request',
  },
};

export const awaitingOutcome: RequestOutcome = {
  requestId: '5a1f0c2e-2222-4d3b-9e11-0b1c2d3e4f50',
  outcome: 'awaiting_approval',
  ticket: { id: '4711', url: TICKET_URL },
  customerEmail: 'ops@acme.test',
  userCount: 100_000,
  requestedBy: 'sam.support',
  approval: {
    reasons: [
      'The user count 100,000 is more than 1.5 times the evidence’s 480 users (the greater of licensed and maximum users): a second person must approve it.',
    ],
    whoMayApprove: 'an approver other than sam.support',
    expiresAt: '2026-03-10T12:00:00.000Z',
  },
};
