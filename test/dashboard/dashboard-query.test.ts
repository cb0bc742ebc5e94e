/**
 * The dashboard on both databases, on a clock that jumps days (to a week in 2031: the clock
 * never goes back, and the test must not depend on today's date): a weekend of requests, a renewal
 * recorded four days after its license, a lapse, a repeat customer, and the hand-off's own
 * lists of what needs a person.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildDashboard } from '../../src/dashboard/dashboard-query.js';
import type { Dashboard } from '../../src/dashboard/dashboard.js';
import { emailDomainOf, normaliseMailbox } from '../../src/policy/customer-keys.js';
import { defaultPolicySettings } from '../../src/policy/settings.js';
import { recordRenewal } from '../../src/requests/record-renewal.js';
import { testDatabases } from '../support/databases.js';
import { jumpingClock } from '../support/jumping-clock.js';
import { openJobDatabase, type JobDatabase } from '../jobs/job-store.js';
import { addHandoffRequest, type HandoffRequestFixture } from '../handoff/handoff-fixtures.js';

const approver = { actor: 'pat', role: 'approver', address: 'local' };
const renewalContext = {
  evidenceKeys: [],
  policy: defaultPolicySettings,
  destinations: { notice: '#licensing', ticket: 'zendesk', tracker: 'gitlab' },
};

type Made = Omit<HandoffRequestFixture, 'createdAt'> & { email?: string; cover?: string };
/** A delivered request of Acme's, its cover waiting for the renewal. */
const acme: Made = { state: 'succeeded', customer: 'Acme', cover: 'pending' };
const failure = { step: 'send_email', message: 'the mail server refused it' };

for (const database of testDatabases) {
  describe(`the dashboard (${database.name})`, () => {
    const clock = jumpingClock();
    let db: JobDatabase;
    let dashboard: Dashboard;
    const ids: Record<string, string> = {};

    /** A request made now on the clock, with the customer and cover the test needs. */
    async function add(name: string, fixture: Made) {
      const createdAt = new Date(clock.now()).toISOString();
      const id = await addHandoffRequest(db.store, { ...fixture, createdAt });
      const email = fixture.email ?? 'admin@customer.example';
      await db.store.db
        .updateTable('requests')
        .set({
          customer_email: email,
          customer_domain: emailDomainOf(email) ?? null,
          customer_mailbox: normaliseMailbox(email) ?? null,
          cover_state: fixture.cover ?? null,
          cover_ends_on: fixture.licenseEndsOn ?? null,
        })
        .where('id', '=', id)
        .execute();
      ids[name] = id;
    }

    before(async () => {
      db = await openJobDatabase(database);
      // Each step: the clock jumps to `at`, then the requests are made or the renewal recorded.
      const story: Array<{ at: string; make?: Record<string, Made>; renew?: string }> = [
        // Two weeks before: Acme's first emergency (renewed four days after its license), and
        // one at a public mail provider, which names a person, not a customer.
        {
          at: '2031-11-14T09:00:00Z',
          make: {
            renewed: { ...acme, email: 'it@acme.example', licenseEndsOn: '2031-11-24' },
            gmailOne: { state: 'succeeded', email: 'one@gmail.com', requester: 'sam' },
          },
        },
        { at: '2031-11-18T09:00:00Z', renew: 'renewed' },
        // The week before: a cover that ran out with no renewal.
        {
          at: '2031-11-20T10:00:00Z',
          make: {
            lapsed: {
              ...acme,
              customer: 'Lapsed Inc',
              email: 'ops@lapsed.example',
              licenseEndsOn: '2031-11-30',
              cover: 'lapsed',
            },
          },
        },
        // The weekend.
        {
          at: '2031-11-29T09:00:00Z',
          make: {
            issued: {
              ...acme,
              email: 'oncall@eu.acme.example',
              requester: 'jane',
              licenseEndsOn: '2031-12-03',
            },
          },
        },
        {
          at: '2031-11-29T20:00:00Z',
          make: {
            failed: { state: 'failed', requester: 'jane', email: 'admin@globex.example', failure },
          },
        },
        {
          at: '2031-11-30T11:00:00Z',
          make: {
            waiting: { state: 'awaiting_approval', requester: 'kim', email: 'x@initech.example' },
            rejected: { state: 'rejected', requester: 'kim', email: 'y@hooli.example' },
            gmailTwo: { state: 'succeeded', email: 'two@gmail.com', requester: 'sam' },
          },
        },
      ];
      for (const step of story) {
        clock.jumpTo(Date.parse(step.at));
        for (const [name, made] of Object.entries(step.make ?? {})) await add(name, made);
        if (step.renew)
          await recordRenewal(
            db.store.db,
            renewalContext,
            ids[step.renew] ?? '',
            { reason: 'the customer sent the order form' },
            approver,
            clock.now(),
          );
      }
      // Monday morning.
      clock.jumpTo(Date.parse('2031-12-01T08:00:00Z'));
      dashboard = await buildDashboard(
        db.store.db,
        { since: Date.parse('2031-11-28T17:00:00Z'), now: clock.now(), today: clock.today() },
        defaultPolicySettings,
      );
    });
    after(() => db.close());

    it('counts the weekend by state and by requester', () => {
      assert.equal(dashboard.since, '2031-11-28T17:00:00.000Z');
      assert.equal(dashboard.generatedAt.slice(0, 10), '2031-12-01');
      assert.deepEqual(
        { ...dashboard.weekend, byRequester: undefined },
        {
          requests: 5,
          issued: 2,
          awaitingApproval: 1,
          rejected: 1,
          failed: 1,
          byRequester: undefined,
        },
      );
      assert.deepEqual(dashboard.weekend.byRequester, [
        { requester: 'jane', count: 2 },
        { requester: 'kim', count: 2 },
        { requester: 'sam', count: 1 },
      ]);
    });

    it('lists the covers ending within the hand-off’s days, with the days left', () => {
      assert.deepEqual(dashboard.coversEndingSoon, [
        {
          requestId: ids.issued,
          customerEmail: 'oncall@eu.acme.example',
          temporaryLicenseEndsOn: '2031-12-03',
          state: 'pending',
          daysLeft: 2,
        },
      ]);
    });

    it('counts covers by state, the lapse and the renewal included', () => {
      assert.deepEqual(dashboard.covers, { pending: 1, extended: 0, renewed: 1, lapsed: 1 });
    });

    it('puts the renewal after four days in the four-day bucket', () => {
      const counted = dashboard.timeToRenewal.buckets.filter((b) => b.count > 0);
      assert.deepEqual(counted, [{ upToDays: 4, count: 1 }]);
      assert.equal(dashboard.timeToRenewal.medianDays, 4);
      assert.equal(dashboard.timeToRenewal.buckets.at(-1)?.upToDays, null);
    });

    it('finds the repeat customer by registrable domain, not by public mail provider', () => {
      // The clock runs on from each jump, so the minute is what the test knows.
      const minutes = dashboard.repeatCustomers.map((c) => ({
        ...c,
        lastRequestAt: c.lastRequestAt.slice(0, 16),
      }));
      assert.deepEqual(minutes, [
        { customer: 'Acme', requests: 2, lastRequestAt: '2031-11-29T09:00' },
      ]);
    });

    it('lists what needs a person as the hand-off does', () => {
      assert.deepEqual(
        dashboard.needsAPerson.map((line) => [line.reason, line.id]),
        [
          ['failed', ids.failed],
          ['waiting', ids.waiting],
          ['ending_soon', ids.issued],
        ],
      );
    });
  });
}
