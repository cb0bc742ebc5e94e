/**
 * The dashboard and the time-to-renewal histogram through a real service: a renewal recorded
 * through the API four days after its license shows in `GET /api/v1/dashboard` and in
 * `/metrics`; a `since` the service cannot read is refused with a sentence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jumpingClock } from '../support/jumping-clock.js';
import { startTestService, type TestService } from '../support/service.js';
import { addHandoffRequest } from '../handoff/handoff-fixtures.js';

describe('the dashboard and the time-to-renewal histogram', () => {
  // 2031: the jumping clock never goes back, so the test's days lie ahead of any real today.
  const clock = jumpingClock();
  let lifeline: TestService;

  before(async () => {
    lifeline = await startTestService({}, { clock });
    clock.jumpTo(Date.parse('2031-11-14T09:00:00Z'));
    const store = lifeline.service.store;
    const id = await addHandoffRequest(store, {
      createdAt: new Date(clock.now()).toISOString(),
      state: 'succeeded',
      customer: 'Acme',
      licenseEndsOn: '2031-11-24',
    });
    await store.db
      .updateTable('requests')
      .set({ cover_state: 'pending', cover_ends_on: '2031-11-24' })
      .where('id', '=', id)
      .execute();
    clock.jumpTo(Date.parse('2031-11-18T09:00:00Z'));
    const renewed = await lifeline.api(`/api/v1/requests/${id}/renewal`, {
      method: 'POST',
      token: lifeline.tokens.approver,
      body: { reason: 'the customer sent the signed order form' },
    });
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
  });
  after(() => lifeline.stop());

  it('observes the renewal in lifeline_time_to_renewal_days', async () => {
    const metrics = await fetch(`${lifeline.url}/metrics`).then((r) => r.text());
    assert.match(metrics, /^# TYPE lifeline_time_to_renewal_days histogram$/m);
    assert.match(metrics, /^lifeline_time_to_renewal_days_bucket\{le="3"\} 0$/m);
    assert.match(metrics, /^lifeline_time_to_renewal_days_bucket\{le="4"\} 1$/m);
    assert.match(metrics, /^lifeline_time_to_renewal_days_bucket\{le="\+Inf"\} 1$/m);
    assert.match(metrics, /^lifeline_time_to_renewal_days_sum 4$/m);
    assert.match(metrics, /^lifeline_time_to_renewal_days_count 1$/m);
    assert.match(metrics, /^lifeline_covers\{state="renewed"\} 1$/m);
  });

  it('answers the dashboard to an engineer, on the service clock', async () => {
    const answer = await lifeline.api('/api/v1/dashboard?since=7d');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.generatedAt.slice(0, 10), '2031-11-18');
    assert.equal(answer.body.since.slice(0, 10), '2031-11-11');
    assert.equal(answer.body.weekend.requests, 1);
    assert.deepEqual(answer.body.covers, { pending: 0, extended: 0, renewed: 1, lapsed: 0 });
    assert.equal(answer.body.timeToRenewal.medianDays, 4);
  });

  it('refuses a since it cannot read with a sentence, not a 5xx', async () => {
    const answer = await lifeline.api('/api/v1/dashboard?since=last%20weekend');
    assert.equal(answer.status, 400);
    assert.match(answer.body.error.message, /since must be a duration such as 3d/);
  });
});
