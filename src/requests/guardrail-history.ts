import type { Kysely } from 'kysely';
import type { CustomerKeys, Decision, RecentIssues, RefusedRequest } from '../policy/index.js';
import { compiledOnce } from '../store/compiled-once.js';
import type { Database } from '../store/schema.js';
import { personKey, personOf } from './approval-records.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The states of a request that got (or is getting) a license without waiting for anyone. */
const issuingStates = ['queued', 'issuing', 'succeeded', 'failed'];

/**
 * Licenses issued or on their way in the rolling 24 hours before `now` (the service's clock):
 * the requester's (as a person, whether they asked directly or through an integration, in any
 * letter case: personKey) and the whole desk's. A request held for approval counts once it is
 * approved.
 *
 * One pass over the desk's day, through the covering index requests_state (state, created_at,
 * requested_by), counted per requester: a day has a few dozen of them, and comparing them here
 * with personKey, as the approval check does, holds "Dave" and "dave" to one cap. Comparing
 * the text in SQL let a service token spread one person's requests over spellings of the name.
 */
export async function countRecentIssues(
  db: Kysely<Database>,
  requester: string,
  now: number,
): Promise<RecentIssues> {
  const person = personOf(requester);
  const key = personKey(requester);
  const { rows } = await issuesByRequester(db, now - DAY_MS);
  let byRequester = 0;
  let byDesk = 0;
  for (const row of rows) {
    const count = Number(row.issued);
    byDesk += count;
    if (personKey(row.requested_by) === key) byRequester += count;
  }
  return { requester: person, byRequester, byDesk };
}

// Every submission counts its day: compiled once (see compiledOnce).
const issuesByRequester = compiledOnce((db, since: number) =>
  db
    .selectFrom('requests')
    .select((eb) => ['requested_by', eb.fn.countAll<number | string>().as('issued')])
    .where('created_at', '>', since)
    .where('state', 'in', issuingStates)
    .groupBy('requested_by'),
);

/**
 * Earlier refused requests that may be for the same customer (any time: a prospect stays one),
 * marked when they were refused as a prospect or their evidence was a trial license. The policy
 * matches the customer again precisely; this only narrows the search with indexed columns.
 */
export async function findRefusedBefore(
  db: Kysely<Database>,
  keys: CustomerKeys,
): Promise<RefusedRequest[]> {
  const lookups: Array<[RefusalKeyColumn, string]> = [['customer_email', keys.email]];
  if (keys.emailDomain) lookups.push(['customer_domain', keys.emailDomain]);
  if (keys.company) lookups.push(['customer_company', keys.company]);
  if (keys.subscriptionId) lookups.push(['subscription_id', keys.subscriptionId]);
  const found = await Promise.all(
    lookups.map(async ([column, value]) => (await refusedBy[column](db, value)).rows),
  );
  const unique = new Map(found.flat().map((row) => [row.id, row]));
  return [...unique.values()].map((row) => ({
    requestId: row.id,
    prospect: wasProspect(row.document),
    customerKeys: {
      email: row.customer_email,
      ...(row.customer_domain !== null && { emailDomain: row.customer_domain }),
      ...(row.customer_company !== null && { company: row.customer_company }),
      ...(row.subscription_id !== null && { subscriptionId: row.subscription_id }),
    },
  }));
}

type RefusalKeyColumn =
  'customer_email' | 'customer_domain' | 'customer_company' | 'subscription_id';

// Every submission looks for refusals by two keys or more: each column's query compiled once
// (see compiledOnce).
function refusedQuery(column: RefusalKeyColumn) {
  return compiledOnce((db, value: string) =>
    db
      .selectFrom('requests')
      .innerJoin('decisions', 'decisions.request_id', 'requests.id')
      .select([
        'requests.id',
        'requests.customer_email',
        'requests.customer_domain',
        'requests.customer_company',
        'requests.subscription_id',
        'decisions.document',
      ])
      .where(`requests.${column}`, '=', value)
      .where('requests.state', '=', 'rejected')
      .orderBy('requests.created_at', 'desc')
      .limit(20),
  );
}
const refusedBy: Record<RefusalKeyColumn, ReturnType<typeof refusedQuery>> = {
  customer_email: refusedQuery('customer_email'),
  customer_domain: refusedQuery('customer_domain'),
  customer_company: refusedQuery('customer_company'),
  subscription_id: refusedQuery('subscription_id'),
};

function wasProspect(document: string): boolean {
  try {
    const decision = JSON.parse(document) as Partial<Decision>;
    return (
      decision.facts?.trial === true ||
      (decision.rules ?? []).some((outcome) => outcome.code === 'PROSPECT_TRIAL')
    );
  } catch {
    return false;
  }
}
