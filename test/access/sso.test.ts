/**
 * Console single sign-on against a real OpenID Connect provider (oidc-provider, in-process), on
 * both databases: what it takes to be signed in, and each way an answer that proves nothing is
 * refused: a wrong state, a replayed code, an ID token for another client, a person in no
 * mapped group, a person taken out of the group since; and password sign-in turned off.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { CalendarDate } from '../../src/license/calendar-date.js';
import { CookieAgent } from '../support/cookie-agent.js';
import { testDatabases } from '../support/databases.js';
import { signInAtProvider, startSsoSetup, throughProvider, type SsoSetup } from '../support/sso.js';

// Starts at the real time, then jumps (on PostgreSQL the service corrects its clock by the
// database's, measured at start).
const start = Date.now();

for (const database of testDatabases) {
  describe(`console single sign-on (${database.name})`, { timeout: 90_000 }, () => {
    let setup: SsoSetup;
    let now = start;

    before(async () => {
      setup = await startSsoSetup({
        database,
        clock: {
          now: () => now,
          today: () => '2026-11-28' as CalendarDate,
          moment: () => new Date(now),
        },
      });
    });
    after(() => setup?.stop());

    const lifelineUrl = () => setup.lifeline.url;
    const session = (agent: CookieAgent) => agent.fetch(`${lifelineUrl()}/api/v1/session`);
    async function auditEntries(action: string) {
      const answer = await setup.lifeline.api(`/api/v1/audit?action=${action}`, {
        token: setup.lifeline.tokens.admin,
      });
      assert.equal(answer.status, 200);
      return answer.body.items as Array<{
        actor: string;
        role: string;
        details: Record<string, unknown>;
      }>;
    }
    async function lastFailure() {
      const [entry] = await auditEntries('session.sign_in_failed');
      assert.ok(entry, 'the refusal is in the audit log');
      assert.equal(entry.details.with, 'sso');
      return entry;
    }

    it('signs in a person in a mapped group, with the role it maps to', async () => {
      setup.idp.groups.set('alice', ['staff', 'licensing']);
      const agent = new CookieAgent();
      const back = await agent.fetch(await signInAtProvider(agent, setup, 'alice'));
      assert.equal(back.status, 303);
      assert.equal(back.location, `${lifelineUrl()}/`);
      const me = await session(agent);
      assert.equal(me.status, 200);
      assert.deepEqual(JSON.parse(me.text).user, { name: 'alice', role: 'approver' });
      assert.equal(
        agent.cookie(lifelineUrl(), 'lifeline_oidc'),
        undefined,
        'the flow cookie is spent',
      );

      const [signedIn] = await auditEntries('session.signed_in');
      assert.equal(signedIn?.actor, 'alice');
      assert.equal(signedIn?.role, 'approver');
      assert.equal(signedIn?.details.with, 'sso');
      assert.equal(signedIn?.details.issuer, setup.idp.issuer);
      const users = await setup.lifeline.api('/api/v1/users', {
        token: setup.lifeline.tokens.admin,
      });
      const alice = (users.body.items as Array<{ username: string; source: string }>).find(
        (user) => user.username === 'alice',
      );
      assert.equal(alice?.source, 'oidc');
    });

    it('refuses a callback without a state, with an unknown one, or from another browser', async () => {
      const agent = new CookieAgent();
      const callback = new URL(await signInAtProvider(agent, setup, 'alice'));

      const withoutState = new URL(callback);
      withoutState.searchParams.delete('state');
      const missing = await agent.fetch(withoutState.href);
      assert.equal(missing.status, 400);
      assert.match(missing.text, /not started from this browser, or was already used/);
      assert.equal((await lastFailure()).details.reason, 'missing state');

      const madeUp = new URL(callback);
      madeUp.searchParams.set('state', randomBytes(32).toString('base64url'));
      assert.equal((await agent.fetch(madeUp.href)).status, 400);
      assert.equal((await lastFailure()).details.reason, 'unknown or used state');

      // The real state, brought back by a browser that did not start the sign-in (login CSRF).
      const stranger = new CookieAgent();
      const elsewhere = await stranger.fetch(callback.href);
      assert.equal(elsewhere.status, 400);
      assert.equal((await lastFailure()).details.reason, 'another browser');
      assert.equal((await session(stranger)).status, 401);
      // …which spent the state: the right browser cannot use it afterwards either.
      assert.equal((await agent.fetch(callback.href)).status, 400);
      assert.equal((await session(agent)).status, 401);
    });

    it('refuses a replayed code: the same callback again, and the code with a fresh state', async () => {
      const agent = new CookieAgent();
      const callback = new URL(await signInAtProvider(agent, setup, 'alice'));
      assert.equal((await agent.fetch(callback.href)).status, 303);

      const again = await agent.fetch(callback.href);
      assert.equal(again.status, 400);
      assert.equal((await lastFailure()).details.reason, 'unknown or used state');

      // A new sign-in of this browser, answered with the code already exchanged.
      const attacker = new CookieAgent();
      const fresh = await attacker.fetch(`${lifelineUrl()}/auth/oidc/start`);
      const freshState = new URL(fresh.location ?? '').searchParams.get('state') ?? '';
      const replay = new URL(callback);
      replay.searchParams.set('state', freshState);
      const exchangesBefore = setup.idp.tokenExchanges();
      const replayed = await attacker.fetch(replay.href);
      assert.equal(replayed.status, 400);
      assert.match(replayed.text, /did not prove who you are/);
      assert.equal(setup.idp.tokenExchanges(), exchangesBefore + 1, 'the provider was asked');
      assert.match(String((await lastFailure()).details.reason), /invalid_grant/);
      assert.equal((await session(attacker)).status, 401);
    });

    it('refuses an ID token the issuer signed for another client (wrong audience)', async () => {
      const agent = new CookieAgent();
      const started = await agent.fetch(`${lifelineUrl()}/auth/oidc/start`);
      const lifelineAuthorization = new URL(started.location ?? '');
      const nonce = lifelineAuthorization.searchParams.get('nonce') ?? '';

      // The same person signs in to another application of the same provider, with the very
      // nonce Lifeline sent: only the audience tells the two ID tokens apart.
      const other = setup.idp.otherClient;
      const verifier = randomBytes(32).toString('base64url');
      const otherAuthorization = new URL(`${setup.idp.issuer}/auth`);
      for (const [key, value] of Object.entries({
        client_id: other.id,
        redirect_uri: other.redirectUri,
        response_type: 'code',
        scope: 'openid profile groups',
        state: 'other-state',
        nonce,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }))
        otherAuthorization.searchParams.set(key, value);
      const otherCallback = new URL(
        await throughProvider(agent, otherAuthorization.href, 'alice', other.redirectUri),
      );
      const exchanged = await fetch(`${setup.idp.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${other.id}:${other.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: otherCallback.searchParams.get('code') ?? '',
          redirect_uri: other.redirectUri,
          code_verifier: verifier,
        }).toString(),
      });
      assert.equal(exchanged.status, 200);
      const otherIdToken = ((await exchanged.json()) as { id_token: string }).id_token;
      const payload = JSON.parse(
        Buffer.from(otherIdToken.split('.')[1] ?? '', 'base64url').toString(),
      );
      assert.equal(payload.aud, other.id);
      assert.equal(payload.nonce, nonce);

      setup.idp.replaceNextIdToken(otherIdToken);
      const callback = await throughProvider(
        agent,
        lifelineAuthorization.href,
        'alice',
        setup.callbackUrl,
      );
      const refused = await agent.fetch(callback);
      assert.equal(refused.status, 400);
      assert.match(refused.text, /did not prove who you are/);
      assert.match(String((await lastFailure()).details.reason), /"aud"/);
      assert.equal((await session(agent)).status, 401);
    });

    it('refuses a person in no mapped group: a 403 page that says so, and no session', async () => {
      setup.idp.groups.set('mallory', ['marketing']);
      const agent = new CookieAgent();
      const refused = await agent.fetch(await signInAtProvider(agent, setup, 'mallory'));
      assert.equal(refused.status, 403);
      assert.match(
        refused.text,
        /mallory is signed in at the identity provider but in none of the groups that give access to Lifeline/,
      );
      assert.match(refused.text, /lifeline-engineers, licensing, lifeline-admins/);
      assert.equal(agent.cookie(lifelineUrl(), 'lifeline_session'), undefined);
      assert.equal((await session(agent)).status, 401);
      const failure = await lastFailure();
      assert.equal(failure.actor, 'mallory');
      assert.equal(failure.details.reason, 'no mapped role');
    });

    it('takes the role from the claim at every sign-in; out of the group, the next attempt ends the old sessions', async () => {
      setup.idp.groups.set('bob', ['lifeline-engineers']);
      const laptop = new CookieAgent();
      await laptop.fetch(await signInAtProvider(laptop, setup, 'bob'));
      assert.equal(JSON.parse((await session(laptop)).text).user.role, 'engineer');

      // Moved to the licensing team: the new sign-in is an approver's, the old session ends.
      setup.idp.groups.set('bob', ['licensing']);
      const desktop = new CookieAgent();
      await desktop.fetch(await signInAtProvider(desktop, setup, 'bob'));
      assert.equal(JSON.parse((await session(desktop)).text).user.role, 'approver');
      assert.equal((await session(laptop)).status, 401);
      const [changed] = await auditEntries('user.changed');
      assert.deepEqual(changed?.details.role, { from: 'engineer', to: 'approver' });

      // Out of every group: refused, and the session still open elsewhere ends with it.
      setup.idp.groups.delete('bob');
      const phone = new CookieAgent();
      assert.equal((await phone.fetch(await signInAtProvider(phone, setup, 'bob'))).status, 403);
      assert.equal((await session(desktop)).status, 401);
      const failure = await lastFailure();
      assert.equal(failure.details.reason, 'no mapped role');
      assert.equal(failure.details.sessionsEnded, 1);
    });

    it('says so when the person cancels at the provider', async () => {
      const agent = new CookieAgent();
      const started = await agent.fetch(`${lifelineUrl()}/auth/oidc/start`);
      const form = await agent.follow(started.location ?? '');
      const action = /action="([^"]+)"/.exec(form.text)?.[1] ?? '';
      const abort = new URL(`${action}/abort`, setup.idp.issuer).href;
      const back = await agent.follow(abort, (next) => next.startsWith(setup.callbackUrl));
      const returned = back.location ?? '';
      assert.ok(returned.startsWith(setup.callbackUrl));
      const cancelled = await agent.fetch(returned);
      assert.equal(cancelled.status, 400);
      assert.match(cancelled.text, /did not sign you in \(it answered access_denied\)/);
      assert.equal((await lastFailure()).details.reason, 'provider answered access_denied');
    });

    it('refuses a sign-in that comes back after its 10 minutes, on a clock that jumps', async () => {
      const agent = new CookieAgent();
      const callback = await signInAtProvider(agent, setup, 'alice');
      now += 11 * 60_000;
      const late = await agent.fetch(callback);
      assert.equal(late.status, 400);
      assert.match(late.text, /longer than 10 minutes/);
      assert.equal((await lastFailure()).details.reason, 'expired');
    });

    it('tells the console it offers single sign-on next to local accounts', async () => {
      const options = await fetch(`${lifelineUrl()}/auth/options`);
      assert.deepEqual(await options.json(), { sso: true, localAccounts: true });
    });
  });
}

describe('local accounts turned off', { timeout: 60_000 }, () => {
  let setup: SsoSetup;
  before(async () => {
    setup = await startSsoSetup({ env: { LIFELINE_LOCAL_ACCOUNTS: 'off' } });
  });
  after(() => setup?.stop());

  it('refuses password sign-in with a sentence, and still signs in through the provider', async () => {
    const created = await setup.lifeline.api('/api/v1/users', {
      token: setup.lifeline.tokens.admin,
      body: { username: 'carol', password: 'a long enough passphrase', role: 'engineer' },
    });
    assert.equal(created.status, 201);
    const refused = await setup.lifeline.api('/api/v1/session', {
      token: null,
      body: { username: 'carol', password: 'a long enough passphrase' },
    });
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /Password sign-in is turned off on this Lifeline/);
    assert.equal(refused.headers.get('set-cookie'), null);

    const options = await fetch(`${setup.lifeline.url}/auth/options`);
    assert.deepEqual(await options.json(), { sso: true, localAccounts: false });

    setup.idp.groups.set('carol', ['lifeline-engineers']);
    const agent = new CookieAgent();
    assert.equal((await agent.fetch(await signInAtProvider(agent, setup, 'carol'))).status, 303);
    assert.equal((await agent.fetch(`${setup.lifeline.url}/api/v1/session`)).status, 200);
  });

  it('will not start with local accounts off and no single sign-on', () => {
    assert.throws(
      () => loadConfig({ LIFELINE_LOCAL_ACCOUNTS: 'off' }),
      /LIFELINE_LOCAL_ACCOUNTS=off needs single sign-on/,
    );
  });
});

describe('single sign-on keeps its secrets out of the log', { timeout: 60_000 }, () => {
  it('logs no client secret, code, state, flow cookie or session cookie', async () => {
    const lines: string[] = [];
    const setup = await startSsoSetup({
      env: { LIFELINE_LOG_LEVEL: 'trace' },
      logs: { write: (line) => void lines.push(line) },
    });
    try {
      setup.idp.groups.set('alice', ['licensing']);
      setup.idp.groups.set('mallory', ['marketing']);
      const agent = new CookieAgent();
      const callback = new URL(await signInAtProvider(agent, setup, 'alice'));
      const flowCookie = agent.cookie(setup.lifeline.url, 'lifeline_oidc') ?? '';
      assert.ok(flowCookie);
      assert.equal((await agent.fetch(callback.href)).status, 303);
      assert.equal((await agent.fetch(callback.href)).status, 400);
      const refused = new CookieAgent();
      assert.equal(
        (await refused.fetch(await signInAtProvider(refused, setup, 'mallory'))).status,
        403,
      );
      const log = lines.join('');
      assert.match(log, /auth\/oidc\/callback/, 'the calls are logged');
      for (const secret of [
        setup.idp.clientSecret,
        callback.searchParams.get('code') ?? '',
        callback.searchParams.get('state') ?? '',
        flowCookie,
        agent.cookie(setup.lifeline.url, 'lifeline_session') ?? '',
      ]) {
        assert.ok(secret.length > 10);
        assert.equal(log.includes(secret), false, 'a secret is in the log');
      }
    } finally {
      await setup.stop();
    }
  });
});
