import type { Kysely } from 'kysely';
import { compiledOnce, compiledPerShape } from '../store/compiled-once.js';
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
  await insertEvent(db, ...eventValues(entry, now));
}

/** An event's values, in the order its INSERT binds them. */
function eventValues(
  entry: TimelineEntry,
  now: number,
): [string, number, TimelineKind, string, string | null, string | null] {
  return [
    entry.requestId,
    now,
    entry.kind,
    entry.message,
    entry.actor ?? null,
    entry.data ? JSON.stringify(entry.data) : null,
  ];
}

/**
 * Several events of one moment in one statement, in order (their ids rise as listed): a step
 * that has two or three things to say at its end says them in one round trip.
 */
export async function recordEvents(
  db: Kysely<Database>,
  entries: readonly TimelineEntry[],
  now: number,
): Promise<void> {
  if (entries.length === 0) return;
  const first = entries[0];
  if (entries.length === 1 && first) return recordEvent(db, first, now);
  const values = entries.flatMap((entry) => eventValues(entry, now));
  await insertEventsOfLength(entries.length)(db, ...values);
}

// A step's few events at once: each length's INSERT compiled once (see compiledOnce), six values
// an event.
const insertEventsOfLength = compiledPerShape(
  (length: number) => String(length),
  (length) =>
    (db, ...values: unknown[]) =>
      db.insertInto('timeline_events').values(
        Array.from({ length }, (_, i) => {
          const [requestId, at, kind, message, actor, data] = values.slice(i * 6, i * 6 + 6);
          return {
            request_id: requestId as string,
            at: at as number,
            kind: kind as TimelineKind,
            message: message as string,
            actor: actor as string | null,
            data: data as string | null,
          };
        }),
      ),
);

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
