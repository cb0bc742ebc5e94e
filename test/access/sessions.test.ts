/**
 * Nobody keeps access a minute after it is taken away: revoking a token, disabling a user,
 * changing a password or a role each end the sessions opened before, on the very next call.
 * Through the admin API, on both databases, with a clock that jumps for expiry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CalendarDate } from '../../src/license/calendar-date.js';
import { startTestService, type TestService } from '../support/service.js';
import { testDatabases } from '../support/databases.js';

/*
 * The clock starts at the real time and then jumps: on PostgreSQL the service judges time by the
 * database's clock (it corrects by the offset it measures at start), so a clock started days
 * away would be corrected back before any token could expire on it.
 */
const start = Date.now();

for (const database of testDatabases) {
  describe(`sessions die with their credential (${database.name})`, { timeout: 60_000 }, () => {
    let lifeline: TestService;
    let now = start;
    const admin = () => lifeline.tokens.admin;

    before(async () => {
      lifeline = await startTestService(
        { LIFELINE_RATE_LIMIT_PER_MINUTE: '100000' },
        {
          database,
          clock: {
            now: () => now,
            today: () => '2026-11-28' as CalendarDate,
            moment: () => new Date(now),
          },
        },
      );
    });
    after(() => lifeline.stop());

    async function signIn(body: Record<string, string>) {
      const answer = await lifeline.api('/api/v1/session', { token: null, body });
      const cookie = answer.headers.get('set-cookie')?.split(';')[0] ?? '';
      return { status: answer.status, body: answer.body, cookie };
    }
    const asSession = (cookie: string, path = '/api/v1/requests') =>
      lifeline.api(path, { token: null, headers: { cookie } });

    async function makeUser(username: string, role = 'engineer') {
      const created = await lifeline.api('/api/v1/users', {
        token: admin(),
        body: { username, password: 'first passphrase here', role },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id as string;
    }

    it('creates a token whose secret is answered once, with a unique, non-empty name', async () => {
      const created = await lifeline.api('/api/v1/tokens', {
        token: admin(),
        body: { name: 'sam-laptop', owner: 'sam', role: 'engineer' },
      });
      assert.equal(created.status, 201);
      assert.match(created.body.token, /^llt_/);
      const list = await lifeline.api('/api/v1/tokens', { token: admin() });
      const listed = list.body.items.find((t: { name: string }) => t.name === 'sam-laptop');
      assert.equal(listed.owner, 'sam');
      assert.ok(!JSON.stringify(list.body).includes(created.body.token), 'no secret in the list');

      const again = await lifeline.api('/api/v1/tokens', {
        token: admin(),
        body: { name: 'sam-laptop', role: 'engineer' },
      });
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, /A token named "sam-laptop" already exists/);
      const empty = await lifeline.api('/api/v1/tokens', {
        token: admin(),
        body: { name: '  ', role: 'engineer' },
      });
      assert.equal(empty.status, 400);

      const asSam = await lifeline.api('/api/v1/requests', { token: created.body.token });
      assert.equal(asSam.status, 200);
    });

    it('ends a token’s console session the moment the token is revoked', async () => {
      const created = await lifeline.api('/api/v1/tokens', {
        token: admin(),
        body: { name: 'revoked-soon', owner: 'riley', role: 'approver' },
      });
      const session = await signIn({ token: created.body.token });
      assert.equal(session.status, 200);
      assert.deepEqual(session.body.user, { name: 'riley', role: 'approver' });
      assert.equal((await asSession(session.cookie)).status, 200);
      const sessions = await lifeline.api('/api/v1/sessions', { token: admin() });
      assert.ok(
        sessions.body.items.some(
          (s: { credential: string }) => s.credential === 'token revoked-soon',
        ),
      );

      const revoked = await lifeline.api(`/api/v1/tokens/${created.body.id}`, {
        method: 'DELETE',
        token: admin(),
      });
      assert.equal(revoked.status, 204);
      assert.equal((await asSession(session.cookie)).status, 401);
      assert.equal(
        (await lifeline.api('/api/v1/requests', { token: created.body.token })).status,
        401,
      );
      assert.equal((await signIn({ token: created.body.token })).status, 401);
      const reused = await lifeline.api('/api/v1/tokens', {
        token: admin(),
        body: { name: 'revoked-soon', role: 'approver' },
      });
      assert.equal(reused.status, 409);
      assert.match(reused.body.error.message, /existed and was revoked/);
    });

    it('refuses a token name or owner with a line break or an invisible character', async () => {
      for (const body of [
        { name: 'a\nb', role: 'engineer' },
        { name: 'ok-name', owner: 'alice\u200b', role: 'engineer' },
      ]) {
        const refused = await lifeline.api('/api/v1/tokens', { token: admin(), body });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.match(refused.body.error.message, /has control or invisible characters/);
      }
    });

    it('ends a session when its token expires, on a clock that jumps', async () => {
      const created = await lifeline.api('/api/v1/tokens', {
        token: admin(),
        body: {
          name: 'one-hour',
          role: 'engineer',
          expiresAt: new Date(now + 3_600_000).toISOString(),
        },
      });
      const session = await signIn({ token: created.body.token });
      assert.equal((await asSession(session.cookie)).status, 200);
      now += 3_600_001;
      assert.equal((await asSession(session.cookie)).status, 401);
      const expired = await lifeline.api('/api/v1/requests', { token: created.body.token });
      assert.equal(expired.status, 401);
      assert.match(expired.body.error.message, /unknown, revoked or expired/);
    });

    it('refuses a password that is easy to guess', async () => {
      const weak = await lifeline.api('/api/v1/users', {
        token: admin(),
        body: { username: 'weak', password: 'password12', role: 'engineer' },
      });
      assert.equal(weak.status, 400);
      assert.match(weak.body.error.message, /too easy to guess/);
    });

    it('ends a user’s sessions when the account is disabled', async () => {
      const id = await makeUser('dana');
      const session = await signIn({ username: 'dana', password: 'first passphrase here' });
      assert.equal((await asSession(session.cookie)).status, 200);
      const disabled = await lifeline.api(`/api/v1/users/${id}`, {
        method: 'DELETE',
        token: admin(),
      });
      assert.equal(disabled.status, 200);
      assert.ok(disabled.body.disabledAt);
      assert.equal((await asSession(session.cookie)).status, 401);
      assert.equal(
        (await signIn({ username: 'dana', password: 'first passphrase here' })).status,
        401,
      );
    });

    it('ends a user’s sessions when the password changes', async () => {
      const id = await makeUser('pat');
      const session = await signIn({ username: 'pat', password: 'first passphrase here' });
      const changed = await lifeline.api(`/api/v1/users/${id}`, {
        method: 'PATCH',
        token: admin(),
        body: { password: 'second passphrase here' },
      });
      assert.equal(changed.status, 200);
      assert.equal((await asSession(session.cookie)).status, 401);
      assert.equal(
        (await signIn({ username: 'pat', password: 'first passphrase here' })).status,
        401,
      );
      const fresh = await signIn({ username: 'pat', password: 'second passphrase here' });
      assert.equal((await asSession(fresh.cookie)).status, 200);
    });

    it('ends a user’s sessions when the role changes: a demoted admin is no longer one', async () => {
      await makeUser('alex', 'admin');
      const session = await signIn({ username: 'alex', password: 'first passphrase here' });
      assert.equal((await asSession(session.cookie, '/api/v1/users')).status, 200);
      const changed = await lifeline.api('/api/v1/users/alex', {
        method: 'PATCH',
        token: admin(),
        body: { role: 'engineer' },
      });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.role, 'engineer');
      const old = await lifeline.api('/api/v1/session', {
        token: null,
        headers: { cookie: session.cookie },
      });
      assert.equal(old.status, 401, 'the old session no longer says admin');
      const fresh = await signIn({ username: 'alex', password: 'first passphrase here' });
      assert.equal(fresh.body.user.role, 'engineer');
      assert.equal((await asSession(fresh.cookie, '/api/v1/users')).status, 403);
    });

    it('lets an admin end one session by its id', async () => {
      await makeUser('kim');
      const session = await signIn({ username: 'kim', password: 'first passphrase here' });
      const list = await lifeline.api('/api/v1/sessions', { token: admin() });
      const kims = list.body.items.find((s: { person: string }) => s.person === 'kim');
      assert.equal(kims.credential, 'user kim');
      const ended = await lifeline.api(`/api/v1/sessions/${kims.id}`, {
        method: 'DELETE',
        token: admin(),
      });
      assert.equal(ended.status, 204);
      assert.equal((await asSession(session.cookie)).status, 401);
    });

    it('gives no console account the service role, and keeps one that has it out', async () => {
      const refused = await lifeline.api('/api/v1/users', {
        token: admin(),
        body: { username: 'svc-person', password: 'first passphrase here', role: 'service' },
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.match(refused.body.error.message, /service role is for an integration/);
      const id = await makeUser('svc-later');
      const changed = await lifeline.api(`/api/v1/users/${id}`, {
        method: 'PATCH',
        token: admin(),
        body: { role: 'service' },
      });
      assert.equal(changed.status, 400, JSON.stringify(changed.body));
      // An account given the role before it was refused (written as an older version did).
      await lifeline.service.store.db
        .updateTable('console_users')
        .set({ role: 'service' })
        .where('id', '=', id)
        .execute();
      const signedIn = await signIn({ username: 'svc-later', password: 'first passphrase here' });
      assert.equal(signedIn.status, 403, JSON.stringify(signedIn.body));
      assert.match(signedIn.body.error.message, /not for the console/);
    });

    it('keeps a service token out of the console', async () => {
      const answer = await signIn({ token: lifeline.tokens.service });
      assert.equal(answer.status, 403);
      assert.match(answer.body.error.message, /service token is for an integration/);
    });

    it('records every change in the audit log, with the admin who made it', async () => {
      const audit = await lifeline.api('/api/v1/audit?actor=test-admin&limit=500', {
        token: admin(),
      });
      const actions = new Set(audit.body.items.map((e: { action: string }) => e.action));
      for (const action of [
        'token.created',
        'token.revoked',
        'user.created',
        'user.changed',
        'user.disabled',
        'session.ended',
      ])
        assert.ok(actions.has(action), action);
      const signIns = await lifeline.api('/api/v1/audit?action=session.sign_in_failed', {
        token: admin(),
      });
      assert.ok(signIns.body.items.some((e: { actor: string }) => e.actor === 'pat'));
    });
  });
}
