/**
 * The dashboard and the time-to-renewal histogram through a real service on both databases,
 * on a clock that jumps days: two requests for one customer (the second approved past the repeat
 * guardrail) are delivered by the worker; one is renewed through the API four days later, the other's cover lapses on its day. The dashboard
 * and `/metrics` both tell it; a `since` the service cannot read is refused with a sentence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDays } from '../../src/license/index.js';
import { testDatabases } from '../support/databases.js';
import { jumpingClock } from '../support/jumping-clock.js';
import { screenshotBody } from '../support/requests.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

const day = 86_400_000;

for (const database of testDatabases) {
  describe(`the dashboard and the time-to-renewal histogram (${database.name})`, () => {
    const clock = jumpingClock();
    let lifeline: TestService;

    async function deliveredRequest(
      email: string,
      options: { approve?: boolean } = {},
    ): Promise<{ id: string; endsOn: string }> {
      const created = await lifeline.api('/api/v1/requests', {
        body: screenshotBody(
          { expiredOn: addDays(clock.today(), -16) },
          { customerEmail: email, userCount: 200 },
        ),
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      const id: string = created.body.id;
      if (options.approve) {
        // The customer's second emergency: the repeat guardrail holds it for an approver.
        assert.equal(created.body.state, 'awaiting_approval');
        const approved = await lifeline.api(`/api/v1/requests/${id}/approve`, {
          method: 'POST',
          token: lifeline.tokens.approver,
          body: { reason: 'the renewal is in hand, a second outage' },
        });
        assert.equal(approved.status, 200, JSON.stringify(approved.body));
      }
      return eventually(
        async () => {
          const { body } = await lifeline.api(`/api/v1/requests/${id}`);
          return body.state === 'succeeded' && body.renewal?.state === 'pending'
            ? { id, endsOn: body.license.expiresAt as string }
            : undefined;
        },
        20_000,
        'the request to be delivered',
      );
    }

    before(async () => {
      lifeline = await startTestService({ LIFELINE_JOB_POLL_MS: '20' }, { database, clock });
      const renewed = await deliveredRequest('it@acme.example');
      const lapsing = await deliveredRequest('oncall@eu.acme.example', { approve: true });
      clock.jumpTo(clock.now() + 4 * day);
      const renewal = await lifeline.api(`/api/v1/requests/${renewed.id}/renewal`, {
        method: 'POST',
        token: lifeline.tokens.approver,
        body: { reason: 'the customer sent the signed order form' },
      });
      assert.equal(renewal.status, 200, JSON.stringify(renewal.body));
      // The lapse is due at the reminder hour (09:00 by default) in the reminder zone (UTC by default).
      clock.jumpTo(Date.parse(`${lapsing.endsOn}T09:00:00Z`) + 60_000);
      await eventually(
        async () => {
          const { body } = await lifeline.api(`/api/v1/requests/${lapsing.id}`);
          return body.renewal.state === 'lapsed' ? true : undefined;
        },
        20_000,
        'the cover to lapse',
      );
    });
    after(() => lifeline.stop());

    it('observes the renewal after four days in lifeline_time_to_renewal_days', async () => {
      const metrics = await fetch(`${lifeline.url}/metrics`).then((r) => r.text());
      assert.match(metrics, /^# TYPE lifeline_time_to_renewal_days histogram$/m);
      assert.match(metrics, /^lifeline_time_to_renewal_days_bucket\{le="3"\} 0$/m);
      assert.match(metrics, /^lifeline_time_to_renewal_days_bucket\{le="4"\} 1$/m);
      assert.match(metrics, /^lifeline_time_to_renewal_days_bucket\{le="\+Inf"\} 1$/m);
      assert.match(metrics, /^lifeline_time_to_renewal_days_sum 4$/m);
      assert.match(metrics, /^lifeline_time_to_renewal_days_count 1$/m);
      assert.match(metrics, /^lifeline_covers\{state="renewed"\} 1$/m);
      assert.match(metrics, /^lifeline_covers\{state="lapsed"\} 1$/m);
    });

    it('answers the dashboard to an engineer, on the service clock', async () => {
      const answer = await lifeline.api('/api/v1/dashboard?since=30d');
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const today = clock.today();
      assert.equal(answer.body.generatedAt.slice(0, 10), today);
      assert.equal(answer.body.since.slice(0, 10), addDays(today, -30));
      assert.equal(answer.body.weekend.requests, 2);
      assert.equal(answer.body.weekend.issued, 2);
      assert.deepEqual(answer.body.covers, { pending: 0, extended: 0, renewed: 1, lapsed: 1 });
      assert.equal(answer.body.timeToRenewal.medianDays, 4);
      // Two addresses, one registrable domain: one customer, twice.
      assert.deepEqual(
        answer.body.repeatCustomers.map((c: { customer: string; requests: number }) => [
          c.customer,
          c.requests,
        ]),
        [['acme.example', 2]],
      );
    });

    it('refuses a since it cannot read with a sentence, not a 5xx', async () => {
      const answer = await lifeline.api('/api/v1/dashboard?since=last%20weekend');
      assert.equal(answer.status, 400);
      assert.match(answer.body.error.message, /since must be a duration such as 3d/);
    });
  });
}
