/**
 * A console user changes their own password: the current one must be right (a wrong one counts
 * against the sign-in throttle), the new one strong; the change ends their sessions. Both databases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../support/databases.js';
import { startTestService, type TestService } from '../support/service.js';

for (const database of testDatabases) {
  describe(`changing one's own password (${database.name})`, { timeout: 60_000 }, () => {
    let lifeline: TestService;
    before(async () => {
      lifeline = await startTestService({ LIFELINE_RATE_LIMIT_PER_MINUTE: '100000' }, { database });
      const created = await lifeline.api('/api/v1/users', {
        token: lifeline.tokens.admin,
        body: { username: 'erin', password: 'first passphrase here', role: 'engineer' },
      });
      assert.equal(created.status, 201);
    });
    after(() => lifeline?.stop());

    async function signIn(password: string) {
      const answer = await lifeline.api('/api/v1/session', {
        token: null,
        body: { username: 'erin', password },
      });
      return {
        status: answer.status,
        cookie: answer.headers.get('set-cookie')?.split(';')[0] ?? '',
        csrf: (answer.body?.csrfToken as string | undefined) ?? '',
      };
    }
    const change = (session: { cookie: string; csrf: string }, body: Record<string, string>) =>
      lifeline.api('/api/v1/account/password', {
        token: null,
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
        body,
      });

    it('refuses a wrong current password, a weak new one, and a token caller', async () => {
      const session = await signIn('first passphrase here');
      assert.equal(session.status, 200);
      const wrong = await change(session, {
        currentPassword: 'not the password',
        newPassword: 'a brand new passphrase',
      });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error.message, 'The current password is not right.');
      const weak = await change(session, {
        currentPassword: 'first passphrase here',
        newPassword: 'password12',
      });
      assert.equal(weak.status, 400);
      const byToken = await lifeline.api('/api/v1/account/password', {
        body: { currentPassword: 'x', newPassword: 'a brand new passphrase' },
      });
      assert.equal(byToken.status, 400);
      assert.match(byToken.body.error.message, /a token or single sign-on has none here/);
      assert.equal((await signIn('first passphrase here')).status, 200, 'nothing changed');
    });

    it('changes it, ends the sessions opened with the old one, and records who did it', async () => {
      const session = await signIn('first passphrase here');
      const other = await signIn('first passphrase here');
      const changed = await change(session, {
        currentPassword: 'first passphrase here',
        newPassword: 'a brand new passphrase',
      });
      assert.equal(changed.status, 200);
      assert.deepEqual(changed.body, { changed: true, signInAgain: true });
      for (const ended of [session, other]) {
        const answer = await lifeline.api('/api/v1/requests', {
          token: null,
          headers: { cookie: ended.cookie },
        });
        assert.equal(answer.status, 401);
      }
      assert.equal((await signIn('first passphrase here')).status, 401);
      assert.equal((await signIn('a brand new passphrase')).status, 200);
      const audit = await lifeline.api('/api/v1/audit?action=user.changed', {
        token: lifeline.tokens.admin,
      });
      const [entry] = audit.body.items as Array<{ actor: string; target: string; details: any }>;
      assert.equal(entry?.actor, 'erin');
      assert.equal(entry?.target, 'user erin');
      assert.equal(entry?.details.password, 'changed');
    });
  });
}
