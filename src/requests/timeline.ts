import type { Kysely } from 'kysely';
import { compiledOnce } from '../store/compiled-once.js';
import type { Database } from '../store/schema.js';

/**
 * Timeline event kinds, past tense, `noun.verb`: what the console and the API show as the
 * request's history.
 */
export type TimelineKind =
  | 'request.accepted'
  | 'request.rejected'
  | 'request.awaiting_approval'
  | 'request.approved'
  | 'request.declined'
  | 'request.expired'
  | 'request.retried'
  | 'request.succeeded'
  | 'request.failed'
  | 'license.signed'
  | 'license.generated'
  | 'email.sent'
  | 'email.retrying'
  | 'email.failed'
  | 'email.resend_requested'
  | 'tracker.synced'
  | 'tracker.failed'
  | 'notice.posted'
  | 'notice.failed'
  | 'ticket.noted'
  | 'ticket.failed'
  | 'delivery.retried'
  | 'cover.pending'
  | 'cover.reminded'
  | 'cover.lapsed'
  | 'cover.renewed'
  | 'cover.extension_asked'
  | 'cover.extended'
  | 'cover.extension_failed'
  | 'tracker.commented'
  | 'tracker.comment_failed';

export interface TimelineEntry {
  requestId: string;
  kind: TimelineKind;
  message: string;
  actor?: string;
  data?: Record<string, unknown>;
}

export async function recordEvent(
  db: Kysely<Database>,
  entry: TimelineEntry,
  now: number,
): Promise<void> {
  await insertEvent(
    db,
    entry.requestId,
    now,
    entry.kind,
    entry.message,
    entry.actor ?? null,
    entry.data ? JSON.stringify(entry.data) : null,
  );
}

// A request records nine events: compiled once (see compiledOnce).
const insertEvent = compiledOnce(
  (
    db,
    requestId: string,
    at: number,
    kind: TimelineKind,
    message: string,
    actor: string | null,
    data: string | null,
  ) =>
    db
      .insertInto('timeline_events')
      .values({ request_id: requestId, at, kind, message, actor, data }),
);
