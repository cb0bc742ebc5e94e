import type { Kysely } from 'kysely';
import { addDays, type CalendarDate } from '../license/calendar-date.js';
import type { Database } from '../store/schema.js';
import {
  endingWithinDays,
  isWaiting,
  type HandoffDigest,
  type HandoffRequest,
} from './handoff-digest.js';

/** How far back a failure still needs a person: older ones were given up on, or forgotten. */
const failureLookbackDays = 30;
/** The most rows of each list: a digest is read, not scrolled. */
const listLimit = 200;

type Row = {
  id: string;
  created_at: number;
  ticket_id: string;
  ticket_url: string;
  customer_company: string | null;
  customer_domain: string | null;
  customer_email: string;
  user_count: number;
  license_user_count: number | null;
  requested_by: string;
  state: string;
  failed_step: string | null;
  failure_message: string | null;
  expires_at: string | null;
  cover_state: string | null;
};

function requestOf(row: Row): HandoffRequest {
  return {
    id: row.id,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    ticket: { id: row.ticket_id, url: row.ticket_url },
    customer: row.customer_company ?? row.customer_domain ?? row.customer_email,
    customerEmail: row.customer_email,
    // The seats of the license that is running (an extension may have changed them).
    seats: Number(row.license_user_count ?? row.user_count),
    requester: row.requested_by,
    state: row.state,
    ...(row.expires_at && { licenseEndsOn: row.expires_at }),
    ...(row.cover_state && { cover: row.cover_state }),
    ...(row.state === 'failed' && {
      failure: { step: row.failed_step ?? 'unknown', message: row.failure_message ?? '' },
    }),
  };
}

function requests(db: Kysely<Database>) {
  return (
    db
      .selectFrom('requests')
      // The current license only: the first, or the latest extension.
      .leftJoin('licenses', (join) =>
        join
          .onRef('licenses.request_id', '=', 'requests.id')
          .onRef('licenses.lineage_index', '=', 'requests.extensions'),
      )
      .select([
        'requests.id',
        'requests.created_at',
        'requests.ticket_id',
        'requests.ticket_url',
        'requests.customer_company',
        'requests.customer_domain',
        'requests.customer_email',
        'requests.user_count',
        'requests.requested_by',
        'requests.state',
        'requests.failed_step',
        'requests.failure_message',
        'requests.cover_state',
        'licenses.expires_at',
        'licenses.user_count as license_user_count',
      ])
  );
}

/** The digest of `since`…`now` (epoch ms), `today` being the calendar day licenses end by. */
export async function buildHandoffDigest(
  db: Kysely<Database>,
  period: { since: number; now: number; today: CalendarDate },
): Promise<HandoffDigest> {
  const { since, now, today } = period;
  const inPeriod = await requests(db)
    .where('requests.created_at', '>=', since)
    .where('requests.created_at', '<', now)
    .orderBy('requests.created_at')
    .limit(listLimit)
    .execute();
  const open = await requests(db)
    .where('requests.state', 'not in', ['succeeded', 'rejected', 'queued', 'issuing'])
    .where('requests.created_at', '>=', now - failureLookbackDays * 86_400_000)
    .orderBy('requests.created_at')
    .limit(listLimit)
    .execute();
  const ending = await requests(db)
    .where('requests.state', '=', 'succeeded')
    // A renewed cover needs nobody: its temporary license may end.
    .where((where) =>
      where.or([
        where('requests.cover_state', 'is', null),
        where('requests.cover_state', '!=', 'renewed'),
      ]),
    )
    .where('licenses.expires_at', '>=', today)
    .where('licenses.expires_at', '<=', addDays(today, endingWithinDays))
    .orderBy('licenses.expires_at')
    .limit(listLimit)
    .execute();
  const openRequests = open.map(requestOf);
  return {
    since: new Date(since).toISOString(),
    until: new Date(now).toISOString(),
    requests: inPeriod.map(requestOf),
    needsPerson: {
      failed: openRequests.filter((r) => r.state === 'failed'),
      waiting: openRequests.filter((r) => isWaiting(r.state)),
      endingSoon: ending.map(requestOf),
    },
  };
}
