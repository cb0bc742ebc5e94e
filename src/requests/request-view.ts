import { readSnapshot } from '../store/read-snapshot.js';
import { Refusal } from '../refusal.js';
import type { Kysely } from 'kysely';
import { addDays, daysBetween, type CalendarDate } from '../license/calendar-date.js';
import { registrableDomain, type CustomerKeys, type Decision } from '../policy/index.js';
import type { Database, RequestRow } from '../store/schema.js';
import type { CoverState } from './cover.js';
import { approvalView, loadApproval } from './approval-records.js';
import { decisionView } from './decision-view.js';
import { extensionAskView } from './extension-asks.js';
import { parseRenewal } from './renewal.js';
import { loadLicenses } from './request-records.js';
import { stepLabel } from './pipeline.js';
import type { RequestState } from './request-life.js';
import { requestFromRow } from './request-row.js';

/** How a request reads in answers and in the console: one shape for the list and the page. */
export function requestSummary(
  row: RequestRow,
  license?: {
    fingerprint: string;
    plan: string;
    trial: number;
    user_count: number;
    issued_at: string;
    expires_at: string;
  },
) {
  const request = requestFromRow(row);
  return {
    id: row.id,
    state: request.state,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
    ticket: { id: row.ticket_id, url: row.ticket_url },
    requestedBy: row.requested_by,
    origin: row.origin,
    // Deprecated alias of `origin`: other tools read it (issue 11).
    channel: row.origin,
    customerEmail: row.customer_email,
    userCount: Number(row.user_count),
    evidence: row.evidence_kind,
    note: row.note,
    license: license
      ? {
          fingerprint: license.fingerprint,
          plan: license.plan,
          trial: license.trial === 1,
          userCount: Number(license.user_count),
          issuedAt: license.issued_at,
          expiresAt: license.expires_at,
          /** The last full day it works: expiresAt − 1 (it expires at 00:00 server time). */
          lastFullDay: addDays(license.expires_at as CalendarDate, -1),
        }
      : null,
    trackerIssue:
      row.tracker_issue_number === null
        ? null
        : {
            number: Number(row.tracker_issue_number),
            title: row.tracker_issue_title ?? '',
            state: row.tracker_issue_state === 'closed' ? ('closed' as const) : ('open' as const),
            ...(row.tracker_issue_url && { url: row.tracker_issue_url }),
            /** False while a change of the request has not reached the tracker yet. */
            upToDate: Number(row.tracker_synced_revision ?? 0) >= Number(row.revision),
          },
    renewal: renewalView(row),
    failure: request.failure && {
      ...request.failure,
      /** What the step does, to read after "could not": from the step registry. */
      label: stepLabel(request.failure.step) ?? request.failure.step,
    },
  };
}

export type RequestSummary = ReturnType<typeof requestSummary>;

/**
 * The cover and its renewal, once the license was delivered (null before): the state, the day
 * the current temporary license ends, and the recorded renewal's plan, seats and dates.
 */
function renewalView(row: RequestRow) {
  if (row.cover_state === null) return null;
  const recorded = parseRenewal(row.renewal);
  const endsOn = row.cover_ends_on as CalendarDate | null;
  return {
    state: row.cover_state as CoverState,
    temporaryLicenseEndsOn: endsOn,
    temporaryLicenseLastFullDay: endsOn ? addDays(endsOn, -1) : null,
    extensions: Number(row.extensions),
    ...(recorded && {
      source: recorded.source,
      recordedBy: recorded.recordedBy,
      recordedAt: recorded.recordedAt,
      ...(recorded.reason !== undefined && { reason: recorded.reason }),
      ...(recorded.plan !== undefined && { plan: recorded.plan }),
      ...(recorded.userCount !== undefined && { userCount: recorded.userCount }),
      ...(recorded.startsOn !== undefined && { startsOn: recorded.startsOn }),
      ...(recorded.expiresOn !== undefined && { expiresOn: recorded.expiresOn }),
      ...(recorded.company !== undefined && { company: recorded.company }),
      ...(recorded.fingerprint !== undefined && { fingerprint: recorded.fingerprint }),
    }),
  };
}

/**
 * The request as its page shows it. With `today` (the service's day), a waiting cover also says
 * how many days its temporary license has left, so no screen counts on the reader's own clock;
 * with `extensionsMax` (LIFELINE_EXTENSIONS_MAX), how many extensions it may have, so a screen
 * says the limit is reached instead of offering a form the service would refuse.
 */
export function requestDetail(
  db: Kysely<Database>,
  requestId: string,
  today?: CalendarDate,
  extensionsMax?: number,
) {
  // Its reads agree: never a row from before a move beside deliveries from after it.
  return readSnapshot(db, (snapshot) => readDetail(snapshot, requestId, today, extensionsMax));
}

async function readDetail(
  db: Kysely<Database>,
  requestId: string,
  today?: CalendarDate,
  extensionsMax?: number,
) {
  const row = await db
    .selectFrom('requests')
    .selectAll()
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!row) return undefined;
  const [licenses, decision, deliveries, timeline, waiting, approval] = await Promise.all([
    loadLicenses(db, requestId),
    db
      .selectFrom('decisions')
      .select('document')
      .where('request_id', '=', requestId)
      .executeTakeFirst(),
    db
      .selectFrom('deliveries')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('timeline_events')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('jobs')
      .select(['delivery_id', 'run_at'])
      .where('request_id', '=', requestId)
      .where('state', '=', 'pending')
      .where('delivery_id', 'is not', null)
      .execute(),
    loadApproval(db, requestId),
  ]);
  const batch = row.origin === 'batch' ? await batchRowOf(db, requestId) : undefined;
  const nextAttempt = new Map(waiting.map((job) => [job.delivery_id, Number(job.run_at)]));
  const summary = requestSummary(row, licenses.at(-1));
  return {
    ...summary,
    /** With the latest extension asked for: pending while its job signs, then made or failed. */
    renewal: summary.renewal && {
      ...summary.renewal,
      extension: extensionAskView(timeline, Number(row.extensions)),
      ...(extensionsMax !== undefined && { extensionsMax }),
      /** Days from today until the temporary license stops working (0 on its end day). */
      daysLeft:
        today && summary.renewal.temporaryLicenseEndsOn
          ? Math.max(0, daysBetween(today, summary.renewal.temporaryLicenseEndsOn))
          : null,
    },
    /** The batch and its row in the file, for a request a batch made. */
    ...(batch && { batch }),
    /** Every license of the request, in order: the first, then each extension. */
    licenses: licenses.map((license) => ({
      lineageIndex: Number(license.lineage_index),
      fingerprint: license.fingerprint,
      userCount: Number(license.user_count),
      issuedAt: license.issued_at,
      expiresAt: license.expires_at,
      lastFullDay: addDays(license.expires_at as CalendarDate, -1),
    })),
    decision: decision ? decisionView(JSON.parse(decision.document) as Decision) : null,
    /** Set when a guardrail held the request: why, who may settle it, until when, the verdict. */
    approval: approval ? approvalView(approval) : null,
    deliveries: deliveries.map((d) => ({
      id: d.id,
      medium: d.medium,
      // Deprecated alias of `medium` (issue 11).
      channel: d.medium,
      purpose: d.purpose,
      destination: d.destination,
      state: deliveryState(d),
      /** When the next try is due, while the delivery is pending or retrying. */
      nextAttemptAt:
        d.state === 'pending' && nextAttempt.has(d.id)
          ? new Date(nextAttempt.get(d.id) ?? 0).toISOString()
          : null,
      attempts: Number(d.attempts),
      lastError: d.last_error,
      remoteReply: d.remote_reply,
      receipt: d.receipt,
      updatedAt: new Date(Number(d.updated_at)).toISOString(),
    })),
    timeline: timeline.map((e) => ({
      at: new Date(Number(e.at)).toISOString(),
      kind: e.kind,
      message: e.message,
      actor: e.actor,
    })),
  };
}

/** A row repeated exactly in its file shares the first row's request: the first is its row. */
async function batchRowOf(db: Kysely<Database>, requestId: string) {
  const found = await db
    .selectFrom('batch_rows')
    .select(['batch_id', 'row_number'])
    .where('request_id', '=', requestId)
    .orderBy('row_number')
    .limit(1)
    .executeTakeFirst();
  return found && { id: found.batch_id, row: Number(found.row_number) };
}

export type RequestDetail = NonNullable<Awaited<ReturnType<typeof requestDetail>>>;

/**
 * A delivery as people need to hear it: `retrying` is a pending one whose last attempt failed, so
 * no screen says "on its way" while the mail server keeps refusing.
 */
export type DeliveryState = 'pending' | 'retrying' | 'delivered' | 'failed';

function deliveryState(delivery: {
  state: string;
  attempts: number;
  last_error: string | null;
}): DeliveryState {
  if (delivery.state === 'delivered' || delivery.state === 'failed') return delivery.state;
  return Number(delivery.attempts) > 0 && delivery.last_error !== null ? 'retrying' : 'pending';
}

export interface RequestSearch {
  email?: string;
  /**
   * Requests for the same customer as these keys, matched as the repeat rule matches (by the
   * mailbox, and the registrable domain where the policy counts it); the company and the
   * subscription are left to the rule, which sees the evidence.
   */
  customer?: CustomerKeys;
  ticket?: string;
  state?: RequestState;
  /** Requests created on or after this day (YYYY-MM-DD). */
  since?: string;
  limit: number;
  cursor?: string;
}

/** Newest first, with an opaque cursor for the next page (keyset, so pages never shift). */
export async function searchRequests(db: Kysely<Database>, search: RequestSearch) {
  let query = db
    .selectFrom('requests')
    // The current license: an extension's lineage index is the request's count of extensions.
    .leftJoin('licenses', (join) =>
      join
        .onRef('licenses.request_id', '=', 'requests.id')
        .onRef('licenses.lineage_index', '=', 'requests.extensions'),
    )
    .selectAll('requests')
    .select([
      'licenses.fingerprint as l_fingerprint',
      'licenses.plan as l_plan',
      'licenses.trial as l_trial',
      'licenses.user_count as l_user_count',
      'licenses.issued_at as l_issued_at',
      'licenses.expires_at as l_expires_at',
    ]);
  if (search.email) {
    const email = search.email.trim().toLowerCase();
    // Rows keep the registrable domain: `@eu.acme.example` finds the whole of acme.example.
    query = email.startsWith('@')
      ? query.where(
          'requests.customer_domain',
          '=',
          registrableDomain(email.slice(1)) ?? email.slice(1),
        )
      : query.where('requests.customer_email', '=', email);
  }
  const customer = search.customer;
  if (customer) {
    query = query.where((eb) =>
      eb.or([
        eb('requests.customer_email', '=', customer.email),
        ...(customer.mailbox ? [eb('requests.customer_mailbox', '=', customer.mailbox)] : []),
        ...(customer.emailDomain
          ? [eb('requests.customer_domain', '=', customer.emailDomain)]
          : []),
      ]),
    );
  }
  if (search.ticket) query = query.where('requests.ticket_id', '=', search.ticket.trim());
  if (search.state) query = query.where('requests.state', '=', search.state);
  if (search.since) query = query.where('requests.created_on', '>=', search.since);
  const after = decodeCursor(search.cursor);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('requests.created_at', '<', after.createdAt),
        eb.and([eb('requests.created_at', '=', after.createdAt), eb('requests.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('requests.created_at', 'desc')
    .orderBy('requests.id', 'desc')
    .limit(search.limit + 1)
    .execute();
  const page = rows.slice(0, search.limit);
  const items = page.map((row) =>
    requestSummary(
      row,
      row.l_fingerprint
        ? {
            fingerprint: row.l_fingerprint,
            plan: row.l_plan ?? '',
            trial: Number(row.l_trial),
            user_count: Number(row.l_user_count),
            issued_at: row.l_issued_at ?? '',
            expires_at: row.l_expires_at ?? '',
          }
        : undefined,
    ),
  );
  const last = page.at(-1);
  const nextCursor =
    rows.length > search.limit && last ? encodeCursor(Number(last.created_at), last.id) : null;
  return { items, nextCursor };
}

export class InvalidCursor extends Refusal {
  override readonly name = 'InvalidCursor';
  constructor(message: string) {
    super('INVALID_CURSOR', message);
  }
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(`${createdAt}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { createdAt: number; id: string } | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d+):([0-9a-f-]{36})$/.exec(text);
  if (!match)
    throw new InvalidCursor('cursor is not one this service gave out; start again without it');
  const createdAt = Number(match[1]);
  // An instant no bigint column holds would fail in the query, not here.
  if (!Number.isSafeInteger(createdAt))
    throw new InvalidCursor('cursor is not one this service gave out; start again without it');
  return { createdAt, id: match[2] ?? '' };
}
