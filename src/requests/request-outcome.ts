import type { CalendarDate } from '../license/calendar-date.js';
import { addDays } from '../license/calendar-date.js';
import type { ApprovalRow, LicenseRow, RequestRow } from '../store/schema.js';
import { approvalReasons, whoMayApprove } from './approval-records.js';
import type { OutcomeKind, RequestOutcome } from '../ports/outcome.js';

/** What the outside parties are told, from the request's current records. */
export function outcomeOf(
  request: RequestRow,
  license: LicenseRow | undefined,
  outcome: OutcomeKind,
  requestUrl: string | undefined,
  approval?: ApprovalRow,
): RequestOutcome {
  return {
    requestId: request.id,
    outcome,
    ticket: { id: request.ticket_id, url: request.ticket_url },
    customerEmail: request.customer_email,
    userCount: Number(request.user_count),
    requestedBy: request.requested_by,
    ...(license && {
      expiresAt: license.expires_at as CalendarDate,
      lastFullDay: addDays(license.expires_at as CalendarDate, -1),
    }),
    ...(request.tracker_issue_number !== null && {
      trackerIssue: {
        number: Number(request.tracker_issue_number),
        title: request.tracker_issue_title ?? '',
        ...(request.tracker_issue_url && { url: request.tracker_issue_url }),
      },
    }),
    ...(outcome === 'failed' && {
      failure: {
        step: request.failed_step ?? 'send_email',
        message: request.failure_message ?? 'unknown error',
        nextAction: request.failure_next_action ?? 'Retry the request from the console.',
      },
    }),
    ...(approval && {
      approval: {
        reasons: approvalReasons(approval).map((held) => held.message),
        whoMayApprove: whoMayApprove(approval.requested_by),
        expiresAt: new Date(Number(approval.expires_at)).toISOString(),
        ...(approval.decided_by !== null && { decidedBy: approval.decided_by }),
        ...(approval.reason !== null && { reason: approval.reason }),
      },
    }),
    ...(requestUrl && { requestUrl }),
  };
}
