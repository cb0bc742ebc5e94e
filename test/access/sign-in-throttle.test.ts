/**
 * Guessing passwords stops working: after 5 failures for an account, or 20 from an address,
 * within 15 minutes, sign-in answers 429 with Retry-After, even with the right password, until
 * the window ends. Counted in the database; on a clock that jumps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConsoleUser } from '../../src/access/console-accounts.js';
import type { CalendarDate } from '../../src/license/calendar-date.js';
import { startTestService, type TestService } from '../support/service.js';
import { testDatabases } from '../support/databases.js';

const password = 'the right passphrase';

for (const database of testDatabases) {
  describe(`sign-in throttling (${database.name})`, { timeout: 60_000 }, () => {
    let lifeline: TestService;
    let now = Date.parse('2026-11-28T09:00:00Z');
    before(async () => {
      lifeline = await startTestService(
        {},
        {
          database,
          clock: {
            now: () => now,
            today: () => '2026-11-28' as CalendarDate,
            moment: () => new Date(now),
          },
        },
      );
      for (const name of ['lee', 'max'])
        await createConsoleUser(lifeline.service.store.db, name, password, 'engineer', now);
    });
    after(() => lifeline.stop());

    const signIn = (username: string, pass: string) =>
      lifeline.api('/api/v1/session', { token: null, body: { username, password: pass } });

    it('refuses an account after 5 failures, even the right password, until the window ends', async () => {
      for (let i = 0; i < 5; i += 1) assert.equal((await signIn('lee', `guess ${i}`)).status, 401);
      const refused = await signIn('lee', password);
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error.code, 'RATE_LIMITED');
      assert.equal(refused.headers.get('retry-after'), '900');
      assert.match(refused.body.error.message, /try again in 15 min/);
      assert.equal((await signIn('LEE', password)).status, 429, 'the name in any case');

      assert.equal((await signIn('max', password)).status, 200, 'another account still signs in');

      now += 10 * 60_000;
      const later = await signIn('lee', password);
      assert.equal(later.status, 429);
      assert.equal(later.headers.get('retry-after'), '300');
      now += 5 * 60_000 + 1;
      assert.equal((await signIn('lee', password)).status, 200);
    });

    it('refuses an address after 20 failures, whichever accounts it tries', async () => {
      now += 16 * 60_000;
      for (let i = 0; i < 20; i += 1)
        assert.equal((await signIn(`nobody-${i}`, 'guess')).status, 401);
      const refused = await signIn('max', password);
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      const token = await lifeline.api('/api/v1/session', {
        token: null,
        body: { token: lifeline.tokens.engineer },
      });
      assert.equal(token.status, 429, 'a token sign-in from that address too');
      now += 15 * 60_000;
      assert.equal((await signIn('max', password)).status, 200);
    });

    it('records the refused attempts in the audit log', async () => {
      const audit = await lifeline.api('/api/v1/audit?action=session.sign_in_failed&actor=lee', {
        token: lifeline.tokens.admin,
      });
      const reasons = audit.body.items.map(
        (e: { details: { reason?: string } }) => e.details.reason,
      );
      // Three throttled attempts, one of them recorded as typed (LEE).
      assert.equal(reasons.filter((r: string | undefined) => r === 'throttled').length, 2);
      assert.equal(reasons.filter((r: string | undefined) => r === undefined).length, 5);
    });
  });
}
