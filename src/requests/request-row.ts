import type { CoverState } from './cover.js';
import type { RequestFailure, RequestStep } from './request.js';
import type { RequestState } from './request-life.js';
import type { RequestRow } from '../store/schema.js';

/** A request as the domain reads it: typed states, numbers as numbers, the failure as one. */
export interface Request {
  id: string;
  state: RequestState;
  /** Bumped on every change: what the tracker issue has caught up with. */
  revision: number;
  createdAt: number;
  updatedAt: number;
  ticket: { id: string; url: string };
  requestedBy: string;
  customerEmail: string;
  userCount: number;
  failure: RequestFailure | null;
  trackerIssue: { number: number; url?: string; title: string; state: 'open' | 'closed' } | null;
  trackerSyncedRevision: number;
  cover: { state: CoverState; endsOn: string | null } | null;
  extensions: number;
}

/**
 * Rows to the domain, as jobs/job-row.ts does for jobs: PostgreSQL's bigint columns come back as
 * strings and the state as text, so every reader converts in one place.
 */
export function requestFromRow(row: RequestRow): Request {
  return {
    id: row.id,
    state: row.state as RequestState,
    revision: Number(row.revision),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ticket: { id: row.ticket_id, url: row.ticket_url },
    requestedBy: row.requested_by,
    customerEmail: row.customer_email,
    userCount: Number(row.user_count),
    failure: row.failed_step
      ? {
          step: row.failed_step as RequestStep,
          message: row.failure_message ?? '',
          nextAction: row.failure_next_action ?? '',
        }
      : null,
    trackerIssue:
      row.tracker_issue_number === null
        ? null
        : {
            number: Number(row.tracker_issue_number),
            title: row.tracker_issue_title ?? '',
            state: row.tracker_issue_state === 'closed' ? 'closed' : 'open',
            ...(row.tracker_issue_url && { url: row.tracker_issue_url }),
          },
    trackerSyncedRevision: Number(row.tracker_synced_revision ?? 0),
    cover:
      row.cover_state === null
        ? null
        : { state: row.cover_state as CoverState, endsOn: row.cover_ends_on },
    extensions: Number(row.extensions),
  };
}
