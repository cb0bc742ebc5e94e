/** Requests with exactly the times and states a hand-off test needs, written to the store. */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/store/database.js';

export interface HandoffRequestFixture {
  createdAt: string;
  state: string;
  customer?: string;
  seats?: number;
  /** The stored license's seats, when an extension changed them from the request's. */
  licenseSeats?: number;
  requester?: string;
  ticket?: string;
  failure?: { step: string; message: string };
  /** The day the license expires at 00:00 (YYYY-MM-DD): a license is stored when given. */
  licenseEndsOn?: string;
}

export async function addHandoffRequest(store: Store, fixture: HandoffRequestFixture) {
  const id = randomUUID();
  const at = Date.parse(fixture.createdAt);
  const ticket = fixture.ticket ?? String(Math.floor(Math.random() * 1e6));
  await store.db
    .insertInto('requests')
    .values({
      id,
      created_at: at,
      updated_at: at,
      state: fixture.state,
      revision: 1,
      ticket_id: ticket,
      ticket_url: `https://support.example.com/agent/tickets/${ticket}`,
      requested_by: fixture.requester ?? 'alex',
      origin: 'api',
      customer_email: 'admin@customer.example',
      user_count: fixture.seats ?? 100,
      evidence_kind: 'screenshots',
      note: null,
      idempotency_key: null,
      body_fingerprint: id,
      first_response: null,
      customer_domain: 'customer.example',
      customer_company: fixture.customer ?? null,
      subscription_id: null,
      created_on: fixture.createdAt.slice(0, 10),
      failed_step: fixture.failure?.step ?? null,
      failure_message: fixture.failure?.message ?? null,
      failure_next_action: fixture.failure ? 'retry it' : null,
      tracker_issue_number: null,
      tracker_issue_url: null,
      tracker_issue_title: null,
      tracker_issue_state: null,
      tracker_synced_revision: null,
      tracker_lock_until: null,
    })
    .execute();
  if (fixture.licenseEndsOn) {
    await store.db
      .insertInto('licenses')
      .values({
        id: randomUUID(),
        request_id: id,
        text: 'license',
        fingerprint: id,
        plan: 'ultimate',
        trial: 0,
        user_count: fixture.licenseSeats ?? fixture.seats ?? 100,
        issued_at: fixture.createdAt.slice(0, 10),
        expires_at: fixture.licenseEndsOn,
        key_fingerprint: 'test',
        created_at: at,
      })
      .execute();
  }
  return id;
}

/**
 * A weekend, as the Monday 30 November 2026 hand-off sees it (the previous one was sent on
 * Monday 23 November at 08:00 UTC); `shiftMs` (whole days) moves it all to another week.
 */
export async function addWeekend(store: Store, shiftMs = 0) {
  const add = (fixture: HandoffRequestFixture) =>
    addHandoffRequest(store, {
      ...fixture,
      createdAt: new Date(Date.parse(fixture.createdAt) + shiftMs).toISOString(),
      ...(fixture.licenseEndsOn && {
        licenseEndsOn: new Date(Date.parse(fixture.licenseEndsOn) + shiftMs)
          .toISOString()
          .slice(0, 10),
      }),
    });
  return {
    before: await add({
      createdAt: '2026-11-22T10:00:00Z',
      state: 'succeeded',
      customer: 'Last Week Ltd',
      ticket: '900',
    }),
    issued: await add({
      createdAt: '2026-11-28T09:00:00Z',
      state: 'succeeded',
      customer: 'Acme <script>alert(1)</script> & Co',
      seats: 480,
      requester: 'jane',
      ticket: '1001',
      licenseEndsOn: '2026-12-08',
    }),
    failed: await add({
      createdAt: '2026-11-28T20:00:00Z',
      state: 'failed',
      customer: 'Globex',
      seats: 250,
      requester: 'sam',
      ticket: '1002',
      failure: { step: 'send_email', message: 'the mail server refused <admin@globex.example>' },
    }),
    waiting: await add({
      createdAt: '2026-11-29T11:00:00Z',
      state: 'awaiting_approval',
      customer: 'Initech',
      seats: 2000,
      requester: 'kim',
      ticket: '1003',
    }),
    rejected: await add({
      createdAt: '2026-11-29T12:00:00Z',
      state: 'rejected',
      customer: 'Hooli',
      ticket: '1004',
    }),
    endingSoon: await add({
      createdAt: '2026-11-20T12:00:00Z',
      state: 'succeeded',
      customer: 'Ending Soon GmbH',
      ticket: '800',
      licenseSeats: 60,
      licenseEndsOn: '2026-12-02',
    }),
  };
}
