import type { Kysely } from 'kysely';
import { buildHandoffDigest } from '../handoff/handoff-query.js';
import { daysBetween, type CalendarDate } from '../license/calendar-date.js';
import { isPublicEmailDomain } from '../policy/customer-keys.js';
import type { PolicySettings } from '../policy/index.js';
import type { Database } from '../store/schema.js';
import { coverCounts } from './cover-counts.js';
import { lookbackDays, needsAPerson, timeToRenewal, type Dashboard } from './dashboard.js';
import { renewalDays } from './renewal-times.js';

const dayMs = 86_400_000;
/** The most requesters and repeat customers listed: a glance, not a report. */
const listLimit = 20;

export interface DashboardPeriod {
  /** Epoch ms: the period's requests are those made at or after it, before `now`. */
  since: number;
  now: number;
  /** The service clock's day: what "days left" counts from. */
  today: CalendarDate;
}

/**
 * The dashboard on the store. Covers ending soon and what needs a person are the hand-off's
 * own lists (buildHandoffDigest), so the page and Monday's digest never disagree.
 */
export async function buildDashboard(
  db: Kysely<Database>,
  period: DashboardPeriod,
  policy: PolicySettings,
): Promise<Dashboard> {
  const { since, now, today } = period;
  const [digest, weekend, covers, days, repeatCustomers] = await Promise.all([
    buildHandoffDigest(db, period),
    weekendCounts(db, since, now),
    coverCounts(db),
    renewalDays(db, now - lookbackDays * dayMs),
    repeatCustomersOf(db, now - lookbackDays * dayMs, policy),
  ]);
  return {
    since: new Date(since).toISOString(),
    generatedAt: new Date(now).toISOString(),
    weekend,
    coversEndingSoon: digest.needsPerson.endingSoon.map((r) => ({
      requestId: r.id,
      customerEmail: r.customerEmail,
      temporaryLicenseEndsOn: r.licenseEndsOn ?? '',
      state: r.cover ?? 'pending',
      daysLeft: r.licenseEndsOn ? daysBetween(today, r.licenseEndsOn as CalendarDate) : 0,
    })),
    covers,
    timeToRenewal: timeToRenewal(days),
    repeatCustomers,
    needsAPerson: needsAPerson(digest.needsPerson),
  };
}

async function weekendCounts(
  db: Kysely<Database>,
  since: number,
  now: number,
): Promise<Dashboard['weekend']> {
  const inPeriod = db
    .selectFrom('requests')
    .where('created_at', '>=', since)
    .where('created_at', '<', now);
  const [states, requesters] = await Promise.all([
    inPeriod
      .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('state')
      .execute(),
    inPeriod
      .select(['requested_by', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('requested_by')
      .orderBy('count', 'desc')
      .orderBy('requested_by')
      .limit(listLimit)
      .execute(),
  ]);
  const count = (state: string) => Number(states.find((row) => row.state === state)?.count ?? 0);
  return {
    requests: states.reduce((sum, row) => sum + Number(row.count), 0),
    issued: count('succeeded'),
    awaitingApproval: count('awaiting_approval'),
    rejected: count('rejected'),
    failed: count('failed'),
    byRequester: requesters.map((row) => ({
      requester: row.requested_by,
      count: Number(row.count),
    })),
  };
}

/**
 * Customers with more than one emergency since `since`, told apart as the repeat rule does: by
 * registrable domain, or by mailbox at a public mail provider (a policy setting, so decided
 * here rather than in SQL). Rejected requests do not count, as for the repeat rule.
 */
async function repeatCustomersOf(
  db: Kysely<Database>,
  since: number,
  policy: PolicySettings,
): Promise<Dashboard['repeatCustomers']> {
  const rows = await db
    .selectFrom('requests')
    .select((eb) => [
      'customer_domain',
      'customer_mailbox',
      eb.fn.max('customer_email').as('email'),
      eb.fn.max('customer_company').as('company'),
      eb.fn.countAll<number>().as('count'),
      eb.fn.max('created_at').as('last'),
    ])
    .where('created_at', '>=', since)
    .where('state', '!=', 'rejected')
    .groupBy(['customer_domain', 'customer_mailbox'])
    .execute();
  const customers = new Map<string, { customer: string; requests: number; last: number }>();
  for (const row of rows) {
    const domain = row.customer_domain;
    const byMailbox = !domain || isPublicEmailDomain(domain, policy);
    const key = byMailbox ? `mailbox:${row.customer_mailbox ?? row.email}` : `domain:${domain}`;
    const seen = customers.get(key);
    const last = Math.max(Number(row.last), seen?.last ?? 0);
    customers.set(key, {
      customer: seen?.customer ?? row.company ?? (byMailbox ? String(row.email) : domain),
      requests: (seen?.requests ?? 0) + Number(row.count),
      last,
    });
  }
  return [...customers.values()]
    .filter((c) => c.requests > 1)
    .sort((a, b) => b.requests - a.requests || b.last - a.last)
    .slice(0, listLimit)
    .map((c) => ({
      customer: c.customer,
      requests: c.requests,
      lastRequestAt: new Date(c.last).toISOString(),
    }));
}
