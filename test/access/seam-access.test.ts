/**
 * The guarantees of access at their exact edges, on a clock that stands still: the rate
 * limit's window, a revoked token, a session's end, a wrong CSRF token on a write and on
 * sign-out. Both databases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { revokeApiToken } from '../../src/access/api-tokens.js';
import { testDatabases } from '../support/databases.js';
import { startTestService, type TestService } from '../support/service.js';
import { stillClock } from '../support/still-clock.js';

const minute = 60_000;
// A minute's window starts on the minute: 12:00:00.000 UTC.
const start = Date.parse('2026-11-28T12:00:00Z');

for (const database of testDatabases) {
  describe(`access at its edges (${database.name})`, () => {
    const clock = stillClock(start);
    let lifeline: TestService;

    before(async () => {
      lifeline = await startTestService(
        { LIFELINE_RATE_LIMIT_PER_MINUTE: '3', LIFELINE_SESSION_HOURS: '1' },
        { clock, database },
      );
    });
    after(() => lifeline.stop());

    const signIn = async (token: string) => {
      const answer = await lifeline.api('/api/v1/session', { body: { token }, token: null });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const cookie = /lifeline_session=[^;]+/.exec(answer.headers.get('set-cookie') ?? '')?.[0];
      assert.ok(cookie);
      return { cookie, csrf: (answer.body as { csrfToken: string }).csrfToken };
    };
    const withSession = (
      session: { cookie: string },
      path: string,
      init: { method?: string; body?: unknown; csrf?: string } = {},
    ) =>
      lifeline.api(path, {
        token: null,
        ...(init.method && { method: init.method }),
        ...(init.body !== undefined && { body: init.body }),
        headers: { cookie: session.cookie, ...(init.csrf && { 'x-csrf-token': init.csrf }) },
      });

    it('counts calls per minute: the 4th of 3 is refused until the minute turns, not a ms before', async () => {
      // Rate limits go by the database's clock: the still clock plus the offset measured at
      // start (none on SQLite). The window is a minute of that clock.
      const offset = lifeline.service.clock.now() - clock.now();
      const window = Math.ceil((clock.now() + offset) / minute) * minute + 5 * minute;
      const at = (serviceTime: number) => clock.set(serviceTime - offset);
      at(window + 10_000);
      const token = lifeline.tokens.approver;
      for (let i = 0; i < 3; i += 1)
        assert.equal((await lifeline.api('/api/v1/requests', { token })).status, 200);
      const refused = await lifeline.api('/api/v1/requests', { token });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '50');
      at(window + minute - 1);
      assert.equal((await lifeline.api('/api/v1/requests', { token })).status, 429);
      at(window + minute);
      assert.equal((await lifeline.api('/api/v1/requests', { token })).status, 200);
    });

    it('ends a session exactly when its hours are up', async () => {
      clock.set(start + 2 * minute);
      const session = await signIn(lifeline.tokens.engineer);
      clock.set(start + 2 * minute + 3_600_000 - 1);
      assert.equal((await withSession(session, '/api/v1/session')).status, 200);
      clock.set(start + 2 * minute + 3_600_000);
      const ended = await withSession(session, '/api/v1/session');
      assert.equal(ended.status, 401);
      assert.equal((ended.body as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    });

    it('refuses a write with a wrong CSRF token, and sign-out without the right one', async () => {
      clock.set(start + 200 * minute);
      const session = await signIn(lifeline.tokens.engineer);
      const wrong = await withSession(session, '/api/v1/requests', {
        body: {},
        csrf: `${session.csrf}x`,
      });
      assert.equal(wrong.status, 403);
      assert.equal((wrong.body as { error: { code: string } }).error.code, 'CSRF_FAILED');
      const right = await withSession(session, '/api/v1/requests', {
        body: {},
        csrf: session.csrf,
      });
      assert.equal(right.status, 400, 'past the CSRF check, to the body check');

      const signOutWrong = await withSession(session, '/api/v1/session', {
        method: 'DELETE',
        csrf: 'not-the-token',
      });
      assert.equal(signOutWrong.status, 403);
      assert.equal((await withSession(session, '/api/v1/session')).status, 200, 'still signed in');
      const signOut = await withSession(session, '/api/v1/session', {
        method: 'DELETE',
        csrf: session.csrf,
      });
      assert.ok(signOut.status < 300, String(signOut.status));
      assert.equal((await withSession(session, '/api/v1/session')).status, 401);
    });

    it('refuses a revoked token at once, and ends the sessions it opened', async () => {
      clock.set(start + 300 * minute);
      // The last test here: the engineer's token ends with it.
      const token = lifeline.tokens.engineer;
      const session = await signIn(token);
      assert.equal((await lifeline.api('/api/v1/requests', { token })).status, 200);
      await revokeApiToken(lifeline.service.store.db, 'test-engineer', clock.now());
      const refused = await lifeline.api('/api/v1/requests', { token });
      assert.equal(refused.status, 401);
      assert.equal((await withSession(session, '/api/v1/session')).status, 401);
    });
  });
}
