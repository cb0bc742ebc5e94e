import type { Kysely } from 'kysely';
import { addDays, type CalendarDate } from '../license/calendar-date.js';
import type { CustomerKeys, EarlierEmergency } from '../policy/index.js';
import type { Database } from '../store/schema.js';

/**
 * Earlier emergency requests that may be for the same customer, within the repeat period. The
 * policy matches them again precisely; this only narrows the search with indexed columns.
 * Rejected requests never count, nor failed ones that never produced a license: the handbook
 * says a request that failed before a license existed may simply be made again.
 */
export async function findEarlierEmergencies(
  db: Kysely<Database>,
  keys: CustomerKeys,
  today: CalendarDate,
  periodDays: number,
): Promise<EarlierEmergency[]> {
  const since = addDays(today, -periodDays);
  // One indexed lookup per key, merged: an OR across four columns made the database scan every
  // recent request on each submission.
  const lookups: Array<
    ['customer_email' | 'customer_domain' | 'customer_company' | 'subscription_id', string]
  > = [['customer_email', keys.email]];
  if (keys.emailDomain) lookups.push(['customer_domain', keys.emailDomain]);
  if (keys.company) lookups.push(['customer_company', keys.company]);
  if (keys.subscriptionId) lookups.push(['subscription_id', keys.subscriptionId]);
  const found = await Promise.all(
    lookups.map(([column, value]) => recentMatches(db, column, value, since)),
  );
  const unique = new Map(found.flat().map((row) => [row.id, row]));
  const rows = [...unique.values()].sort((a, b) => Number(b.created_at) - Number(a.created_at));
  return rows
    .filter((row) => row.state !== 'failed' || row.license_id !== null)
    .map((row) => ({
      requestId: row.id,
      createdOn: row.created_on as CalendarDate,
      ticketUrl: row.ticket_url,
      state: row.state,
      customerKeys: {
        email: row.customer_email,
        ...(row.customer_domain !== null && { emailDomain: row.customer_domain }),
        ...(row.customer_company !== null && { company: row.customer_company }),
        ...(row.subscription_id !== null && { subscriptionId: row.subscription_id }),
      },
    }));
}

function recentMatches(
  db: Kysely<Database>,
  column: 'customer_email' | 'customer_domain' | 'customer_company' | 'subscription_id',
  value: string,
  since: CalendarDate,
) {
  return (
    db
      .selectFrom('requests')
      // The first license only: an extension must not count the request twice.
      .leftJoin('licenses', (join) =>
        join.onRef('licenses.request_id', '=', 'requests.id').on('licenses.lineage_index', '=', 0),
      )
      .select([
        'requests.id',
        'requests.created_at',
        'requests.created_on',
        'requests.customer_email',
        'requests.customer_domain',
        'requests.customer_company',
        'requests.subscription_id',
        'requests.ticket_url',
        'requests.state',
        'licenses.id as license_id',
      ])
      .where(`requests.${column}`, '=', value)
      .where('requests.created_on', '>=', since)
      .where('requests.state', '!=', 'rejected')
      .orderBy('requests.created_at', 'desc')
      .limit(50)
      .execute()
  );
}
