/**
 * No customer data in the access log, no server path in an answer: a search by email logs the
 * parameter's name only, and a request's deliveries name the outbox file, not where it lies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixtureClock, graceEndedOn, screenshotBody } from '../support/requests.js';
import { eventually, startTestService, type TestService } from '../support/service.js';
import { withoutQueryValues } from '../../src/service/logger.js';

const expiredOn = graceEndedOn;

describe('customer data and server paths', () => {
  let lifeline: TestService;
  let logs = '';
  before(async () => {
    lifeline = await startTestService(
      { LIFELINE_LOG_LEVEL: 'info' },
      { logs: { write: (line) => void (logs += line) }, clock: fixtureClock() },
    );
  });
  after(() => lifeline.stop());

  it('logs the names of query parameters, not their values', async () => {
    const answer = await lifeline.api('/api/v1/requests?email=jane.doe%40acme.example&limit=5');
    assert.equal(answer.status, 200);
    assert.match(logs, /"url":"\/api\/v1\/requests\?email=…&limit=…"/);
    assert.doesNotMatch(logs, /jane\.doe|acme\.example/);
    assert.equal(withoutQueryValues('/a?x=1&&y'), '/a?x=…&y=…');
    assert.equal(withoutQueryValues('/a'), '/a');
  });

  it('shows the outbox file by name in a request’s deliveries', async () => {
    const created = await lifeline.api('/api/v1/requests', {
      body: screenshotBody({ expiredOn }, { customerEmail: 'paths@paths.example' }),
    });
    assert.equal(created.status, 202);
    const detail = await eventually(async () => {
      const { body } = await lifeline.api(`/api/v1/requests/${created.body.id}`);
      return body.deliveries.some(
        (d: { medium: string; state: string }) => d.medium === 'email' && d.state === 'delivered',
      )
        ? body
        : undefined;
    }, 20_000);
    const email = detail.deliveries.find((d: { medium: string }) => d.medium === 'email');
    assert.match(email.receipt, /^[^/]+\.eml$/);
    assert.ok(!JSON.stringify(detail).includes(lifeline.dataDir), 'no server path in the answer');
  });
});
