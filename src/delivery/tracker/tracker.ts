import type { ReadinessCheck } from '../delivery-error.js';

/** What the tracker issue of a request should say now. */
export interface TrackerIssueDraft {
  requestId: string;
  title: string;
  /** Markdown. Holds a copy of the license on success: trackers must keep it confidential. */
  description: string;
  state: 'open' | 'closed';
}

export interface TrackerIssueRef {
  number: number;
  url?: string;
  title: string;
  state: 'open' | 'closed';
}

/**
 * The internal request issue tracker. `upsert` is idempotent per request: it finds the
 * request's issue (by `known`, else by a marker the tracker keeps) and makes it match the draft,
 * creating it only when none exists, so a retry after a crash never opens a second issue.
 * Throws `DeliveryError` and nothing else.
 */
export interface Tracker {
  readonly name: 'builtin' | 'gitlab';
  upsert(draft: TrackerIssueDraft, known?: TrackerIssueRef): Promise<TrackerIssueRef>;
  check(): Promise<ReadinessCheck[]>;
}
