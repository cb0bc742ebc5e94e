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
  const rows = await db
    .selectFrom('requests')
    .leftJoin('licenses', 'licenses.request_id', 'requests.id')
    .select([
      'requests.id',
      'requests.created_on',
      'requests.customer_email',
      'requests.customer_domain',
      'requests.customer_company',
      'requests.subscription_id',
      'requests.ticket_url',
      'requests.state',
      'licenses.id as license_id',
    ])
    .where('requests.created_on', '>=', since)
    .where('requests.state', '!=', 'rejected')
    .where((eb) => {
      const matches = [eb('requests.customer_email', '=', keys.email)];
      if (keys.emailDomain) matches.push(eb('requests.customer_domain', '=', keys.emailDomain));
      if (keys.company) matches.push(eb('requests.customer_company', '=', keys.company));
      if (keys.subscriptionId)
        matches.push(eb('requests.subscription_id', '=', keys.subscriptionId));
      return eb.or(matches);
    })
    .orderBy('requests.created_at', 'desc')
    .limit(50)
    .execute();
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
