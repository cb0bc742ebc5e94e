import type { ReadinessCheck } from './remote-failure.js';

/** What the tracker issue of a request should say now. */
export interface TrackerIssueDraft {
  requestId: string;
  title: string;
  /** Markdown. Holds a copy of the license on success: trackers must keep it confidential. */
  description: string;
  state: 'open' | 'closed';
}

export interface TrackerComment {
  key: string;
  /** Markdown. */
  body: string;
}

export interface TrackerIssueRef {
  number: number;
  url?: string;
  title: string;
  state: 'open' | 'closed';
}

export interface UpsertOptions {
  /**
   * The caller knows no earlier attempt can have created the request's issue (nothing was ever
   * sent for it), so the tracker need not look for one by its marker before creating it: one
   * round trip less on a request's first sync.
   */
  firstAttempt?: boolean;
}

/**
 * A tracker whose issues live in Lifeline's own database writes them in the caller's
 * transaction, so an issue and the record of it (the request's issue, the delivery, the job's
 * completion) commit together: one write transaction, and no crash between the two for a retry
 * to repair. `Transaction` is the store's (the port does not know the store); `upsert` keeps the
 * contract of `Tracker.upsert`, and a rollback of the caller's transaction takes its write back.
 */
export interface InStoreTracker<Transaction> {
  upsert(trx: Transaction, draft: TrackerIssueDraft): Promise<TrackerIssueRef>;
}

/**
 * The internal request issue tracker. `upsert` is idempotent per request: it finds the
 * request's issue (by `known`, else by a marker the tracker keeps, unless `firstAttempt` says
 * there can be none) and makes it match the draft, creating it only when none exists, so a retry
 * after a crash never opens a second issue. Throws `RemoteFailure` and nothing else.
 */
export interface Tracker<Transaction = never> {
  readonly name: 'builtin' | 'gitlab';
  /** Present when the issues are kept in the store itself (the built-in tracker). */
  readonly inStore?: InStoreTracker<Transaction>;
  upsert(
    draft: TrackerIssueDraft,
    known?: TrackerIssueRef,
    options?: UpsertOptions,
  ): Promise<TrackerIssueRef>;
  /**
   * Adds a comment (Markdown) to an existing issue, once per `key`: the key is kept in the
   * comment, and a comment that already carries it is not added again (a retry after a crash).
   */
  comment(issue: TrackerIssueRef, comment: TrackerComment): Promise<{ ref: string }>;
  check(): Promise<ReadinessCheck[]>;
}
