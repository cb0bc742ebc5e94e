import type { Kysely } from 'kysely';
import { addDays, type CalendarDate } from '../license/calendar-date.js';
import type { CustomerKeys, EarlierEmergency } from '../policy/index.js';
import { compiledPerShape } from '../store/compiled-once.js';
import type { Database } from '../store/schema.js';

type KeyColumn = 'customer_mailbox' | 'customer_domain' | 'customer_company' | 'subscription_id';

/**
 * Earlier emergency requests that may be for the same customer, within the repeat period: what
 * the repeat rule is given. The policy matches them again precisely; this only narrows the
 * search with indexed columns. Rejected requests never count, nor failed ones that never
 * produced a license: the handbook says a request that failed before a license existed may
 * simply be made again.
 */
export async function findEarlierEmergencies(
  db: Kysely<Database>,
  keys: CustomerKeys,
  today: CalendarDate,
  periodDays: number,
): Promise<EarlierEmergency[]> {
  const found = await findEarlierRequests(db, keys, today, periodDays, { includeRejected: false });
  return found.filter((row) => row.state !== 'failed' || row.licenseIssued);
}

/**
 * Every earlier request for what may be the same customer within the period, rejected and
 * declined ones included: the history a guardrail reads (a customer refused as a prospect who
 * comes back with typed values). Matched precisely by the policy, like findEarlierEmergencies.
 */
export async function findEarlierRequestsIncludingRejected(
  db: Kysely<Database>,
  keys: CustomerKeys,
  today: CalendarDate,
  periodDays: number,
): Promise<Array<EarlierEmergency & { licenseIssued: boolean }>> {
  return findEarlierRequests(db, keys, today, periodDays, { includeRejected: true });
}

async function findEarlierRequests(
  db: Kysely<Database>,
  keys: CustomerKeys,
  today: CalendarDate,
  periodDays: number,
  options: { includeRejected: boolean },
): Promise<Array<EarlierEmergency & { licenseIssued: boolean }>> {
  const since = addDays(today, -periodDays);
  // One indexed lookup per key, merged: an OR across four columns made the database scan every
  // recent request on each submission.
  const lookups = lookupsFor(keys);
  const found = await Promise.all(
    lookups.map(([column, value]) => recentMatches(db, column, value, since, options)),
  );
  const unique = new Map(found.flat().map((row) => [row.id, row]));
  const rows = [...unique.values()].sort((a, b) => Number(b.created_at) - Number(a.created_at));
  return rows.map((row) => ({
    requestId: row.id,
    createdOn: row.created_on as CalendarDate,
    ticketUrl: row.ticket_url,
    state: row.state,
    licenseIssued: row.license_id !== null,
    customerKeys: {
      email: row.customer_email,
      ...(row.customer_domain !== null && { emailDomain: row.customer_domain }),
      ...(row.customer_mailbox !== null && { mailbox: row.customer_mailbox }),
      ...(row.customer_company !== null && { company: row.customer_company }),
      ...(row.subscription_id !== null && { subscriptionId: row.subscription_id }),
    },
  }));
}

/**
 * The indexed columns to look a customer up by. The mailbox covers the exact email (every row
 * has one since migration 0007); the domain is only looked up when the policy counts it, that
 * is, not for a public mail provider.
 */
export function lookupsFor(keys: CustomerKeys): Array<[KeyColumn, string]> {
  const lookups: Array<[KeyColumn, string]> = [];
  if (keys.mailbox) lookups.push(['customer_mailbox', keys.mailbox]);
  if (keys.emailDomain) lookups.push(['customer_domain', keys.emailDomain]);
  if (keys.company) lookups.push(['customer_company', keys.company]);
  if (keys.subscriptionId) lookups.push(['subscription_id', keys.subscriptionId]);
  return lookups;
}

function recentMatches(
  db: Kysely<Database>,
  column: KeyColumn,
  value: string,
  since: CalendarDate,
  options: { includeRejected: boolean },
) {
  const query = matchQuery({ column, includeRejected: options.includeRejected });
  return query(db, value, since).then((result) => result.rows);
}

// Every submission looks its customer up by two keys or more: each of the eight shapes (the
// column, rejected ones or not) is compiled once (see compiledOnce).
const matchQuery = compiledPerShape(
  ({ column, includeRejected }: { column: KeyColumn; includeRejected: boolean }) =>
    `${column}:${includeRejected}`,
  ({ column, includeRejected }) =>
    (db, value: string, since: CalendarDate) => {
      let query = db
        .selectFrom('requests')
        // The first license only: an extension must not count the request twice.
        .leftJoin('licenses', (join) =>
          join
            .onRef('licenses.request_id', '=', 'requests.id')
            .on('licenses.lineage_index', '=', 0),
        )
        .select([
          'requests.id',
          'requests.created_at',
          'requests.created_on',
          'requests.customer_email',
          'requests.customer_domain',
          'requests.customer_mailbox',
          'requests.customer_company',
          'requests.subscription_id',
          'requests.ticket_url',
          'requests.state',
          'licenses.id as license_id',
        ])
        .where(`requests.${column}`, '=', value)
        .where('requests.created_on', '>=', since);
      if (!includeRejected) query = query.where('requests.state', '!=', 'rejected');
      return query.orderBy('requests.created_at', 'desc').limit(50);
    },
);
