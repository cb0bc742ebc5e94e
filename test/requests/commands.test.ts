/**
 * The commands the routes call, at their own seam (no HTTP): who may resend where, what a retry
 * of nothing or of no request says, that a command which starts work wakes the worker itself,
 * and that the live eligibility check decides as a submission does while recording nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { clockOnDay } from '../../src/clock.js';
import { WakeSignal } from '../../src/jobs/wake-signal.js';
import { calendarDate, loadVerificationKey } from '../../src/license/index.js';
import { Refusal, refusalCodes } from '../../src/refusal.js';
import { checkEligibility } from '../../src/requests/commands/check-eligibility.js';
import { resend } from '../../src/requests/commands/resend.js';
import { retry } from '../../src/requests/commands/retry.js';
import { testDatabases } from '../support/databases.js';
import { eligibleBody, fixtureDay } from '../support/requests.js';
import {
  eventually,
  startTestService,
  testPublicKeyFile,
  type TestService,
} from '../support/service.js';

const testPublicKey = readFileSync(testPublicKeyFile, 'utf8');

class CountingWake extends WakeSignal {
  count = 0;
  override notify(): void {
    this.count += 1;
    super.notify();
  }
}

const audit = { actor: 'seam test', role: 'engineer', address: 'local' };

async function refusedWith(work: Promise<unknown>, code: string, sentence?: RegExp) {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof Refusal, `not a refusal: ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.status, refusalCodes[error.code].status);
    if (sentence) assert.match(error.message, sentence);
    return true;
  });
}

for (const database of testDatabases) {
  describe(`request commands (${database.name})`, () => {
    let lifeline: TestService;
    let requestId: string;
    const wake = new CountingWake();
    const clock = clockOnDay(calendarDate(fixtureDay));
    const ctx = () => ({
      store: lifeline.service.store,
      clock,
      policy: lifeline.service.config.policy,
      evidenceKeys: [],
      wake,
      resendLimit: 1,
    });

    before(async () => {
      lifeline = await startTestService({}, { database, clock });
      const created = await lifeline.api('/api/v1/requests', {
        body: eligibleBody({ customerEmail: 'ops@seam-customer.example', userCount: 100 }),
      });
      assert.equal(created.status, 202);
      requestId = created.body.id;
      await eventually(
        async () => {
          const { body } = await lifeline.api(`/api/v1/requests/${requestId}`);
          return body.state === 'succeeded' ? body : undefined;
        },
        15_000,
        'the request to succeed',
      );
    });
    after(() => lifeline.stop());

    it('resends within the request’s domain, and wakes the worker for it', async () => {
      const before = wake.count;
      const sent = await resend(
        ctx(),
        { requestId, email: 'Billing@Seam-Customer.example' },
        { name: 'eve', role: 'engineer' },
        audit,
      );
      assert.equal(sent.to, 'billing@seam-customer.example');
      assert.equal(wake.count, before + 1);
    });

    it('refuses an engineer another domain, or past the limit, naming who may', async () => {
      await refusedWith(
        resend(
          ctx(),
          { requestId, email: 'someone@elsewhere.example' },
          { name: 'eve', role: 'engineer' },
          audit,
        ),
        'FORBIDDEN',
        /may not resend a license to another address.*approver/,
      );
      // The limit is one resend, used by the test above.
      await refusedWith(
        resend(ctx(), { requestId }, { name: 'eve', role: 'engineer' }, audit),
        'FORBIDDEN',
        /resend limit/,
      );
      const again = await resend(ctx(), { requestId }, { name: 'ann', role: 'approver' }, audit);
      assert.equal(again.to, 'ops@seam-customer.example');
    });

    it('says a request that does not exist, or has nothing failed, has nothing to retry', async () => {
      const before = wake.count;
      await refusedWith(
        retry(ctx(), crypto.randomUUID(), { name: 'eve' }, audit),
        'NOT_FOUND',
        /^No request /,
      );
      await refusedWith(
        retry(ctx(), requestId, { name: 'eve' }, audit),
        'NOTHING_TO_RETRY',
        /Nothing failed/,
      );
      assert.equal(wake.count, before, 'nothing started, nobody woken');
    });

    it('checks eligibility as a submission decides, recording nothing', async () => {
      const count = async () =>
        Number(
          (
            await lifeline.service.store.db
              .selectFrom('requests')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const body = eligibleBody({ customerEmail: 'ops@seam-customer.example', userCount: 100 });
      const decision = await checkEligibility(
        { ...ctx(), evidenceKeys: [loadVerificationKey(testPublicKey, 'signing key')] },
        body,
        'eve',
      );
      // The same customer again within the repeat period: the repeat rule sees the first.
      const repeat = decision.rules.find((rule) => rule.rule === 'repeat');
      assert.ok(repeat && !repeat.passed, JSON.stringify(decision.rules));
      const overHttp = await lifeline.api('/api/v1/eligibility', { body });
      assert.deepEqual(overHttp.body, JSON.parse(JSON.stringify(decision)));
      assert.equal(await count(), before);
    });
  });
}
