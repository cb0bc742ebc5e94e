/**
 * The Zendesk sidebar app's JWT, checked through the real HTTP service: what Zendesk's proxy
 * signs for the app is accepted and names the agent; anything else is a 401.
 */
import { clockOnDay } from '../../src/clock.js';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { SignJWT, type JWTPayload } from 'jose';
import { principalForZendeskAppToken } from '../../src/access/zendesk-app-token.js';
import type { CalendarDate } from '../../src/license/calendar-date.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestService, type TestService } from '../support/service.js';
import { testDatabases } from '../support/databases.js';

const secret = 'a-long-random-shared-secret-for-the-sidebar-app';
const audience = 'https://lifeline.vendor.example';
const issuer = 'https://acme.zendesk.com';
const today = '2026-11-28' as CalendarDate;
const licenseFile = readFileSync(
  new URL('../fixtures/gitlab-license/expired-premium-480.gitlab-license', import.meta.url),
  'utf8',
);

/** The claims the sidebar app asks for, as Zendesk's proxy signs them (plus iat and exp). */
function appClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: issuer,
    aud: audience,
    sub: '90210',
    agent_email: 'Sam.Agent@vendor.example',
    agent_name: 'Sam Agent',
    ticket_id: '4321',
    ...overrides,
  };
}

async function sign(
  claims: JWTPayload,
  options: { key?: string; alg?: string; expiresInSeconds?: number | null } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuedAt(now);
  if (options.expiresInSeconds !== null)
    jwt.setExpirationTime(now + (options.expiresInSeconds ?? 300));
  return jwt.sign(new TextEncoder().encode(options.key ?? secret));
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

for (const database of testDatabases) {
  describe(`Zendesk app token, through the HTTP service (${database.name})`, () => {
    let lifeline: TestService;
    before(async () => {
      lifeline = await startTestService(
        {
          LIFELINE_ZENDESK_APP_SECRET: secret,
          LIFELINE_ZENDESK_APP_AUDIENCE: audience,
          LIFELINE_ZENDESK_APP_ISSUER: issuer,
        },
        { clock: clockOnDay(today), database },
      );
    });
    after(() => lifeline.stop());

    async function expectRefused(token: string) {
      const response = await lifeline.api('/api/v1/requests', { token });
      assert.equal(response.status, 401);
      assert.equal(response.body.error.code, 'UNAUTHENTICATED');
      const answer = JSON.stringify(response.body);
      const signature = token.split('.')[2];
      assert.ok(
        !answer.includes(token) && !(signature && answer.includes(signature)),
        'the answer does not echo the token',
      );
    }

    it('accepts the token the app gets signed and records the agent as the requester', async () => {
      const token = await sign(appClaims());
      const list = await lifeline.api('/api/v1/requests', { token });
      assert.equal(list.status, 200);

      const body = {
        ticket: { id: '4321', url: 'https://acme.zendesk.com/agent/tickets/4321' },
        customerEmail: 'ops@acme.example',
        userCount: 500,
        evidence: { licenseFile, maximumUsers: 480 },
      };
      // The agent cannot name someone else as the requester.
      const impersonating = await lifeline.api('/api/v1/requests', {
        token,
        body: { ...body, requestedBy: 'someone-else' },
      });
      assert.equal(impersonating.status, 403);
      assert.match(impersonating.body.error.message, /may not name another person in requestedBy/);
      const created = await lifeline.api('/api/v1/requests', { token, body });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      const detail = await lifeline.api(`/api/v1/requests/${created.body.id}`, { token });
      assert.equal(detail.body.requestedBy, 'sam.agent@vendor.example');
      assert.equal(detail.body.origin, 'zendesk');
    });

    it('refuses a token signed with another secret', async () => {
      await expectRefused(
        await sign(appClaims(), { key: 'not-the-shared-secret-at-all-0123456789' }),
      );
    });

    it('refuses an expired token, and one without exp', async () => {
      await expectRefused(await sign(appClaims(), { expiresInSeconds: -120 }));
      await expectRefused(await sign(appClaims(), { expiresInSeconds: null }));
    });

    it('refuses a token valid for longer than an hour', async () => {
      await expectRefused(await sign(appClaims(), { expiresInSeconds: 86_400 }));
    });

    it('refuses a wrong or missing audience', async () => {
      await expectRefused(await sign(appClaims({ aud: 'https://other-service.example' })));
      const { aud: _aud, ...withoutAudience } = appClaims();
      await expectRefused(await sign(withoutAudience));
    });

    it('refuses a wrong or missing issuer', async () => {
      await expectRefused(await sign(appClaims({ iss: 'https://evil.zendesk.com' })));
      const { iss: _iss, ...withoutIssuer } = appClaims();
      await expectRefused(await sign(withoutIssuer));
    });

    it('refuses a token that names no agent email', async () => {
      const { agent_email: _agent, ...withoutAgent } = appClaims();
      await expectRefused(await sign(withoutAgent));
      await expectRefused(await sign(appClaims({ agent_email: '90210' })));
      // An agent is a person: the same checks as any name that is compared and shown.
      for (const agent of ['zed\ud800@agents.example', 'sam\u200b@vendor.example'])
        await expectRefused(await sign(appClaims({ agent_email: agent })));
    });

    it('refuses alg none', async () => {
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...appClaims(), iat: now, exp: now + 300 })}.`;
      await expectRefused(unsigned);
    });

    it('refuses RS256, and HS512 with the right secret', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const now = Math.floor(Date.now() / 1000);
      const rs256 = await new SignJWT(appClaims())
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(privateKey);
      await expectRefused(rs256);
      await expectRefused(await sign(appClaims(), { alg: 'HS512' }));
    });

    it('refuses a token issued in the future, beyond a minute of leeway', async () => {
      const now = Math.floor(Date.now() / 1000);
      const later = (seconds: number) =>
        new SignJWT(appClaims())
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuedAt(now + seconds)
          .setExpirationTime(now + seconds + 300)
          .sign(new TextEncoder().encode(secret));
      await expectRefused(await later(600));
      const slightlyFast = await lifeline.api('/api/v1/requests?limit=1', {
        token: await later(20),
      });
      assert.equal(slightlyFast.status, 200);
    });

    it('refuses a tampered payload', async () => {
      const [header, , signature] = (await sign(appClaims())).split('.');
      const now = Math.floor(Date.now() / 1000);
      const forged = base64url({
        ...appClaims({ agent_email: 'boss@vendor.example' }),
        iat: now,
        exp: now + 300,
      });
      await expectRefused(`${header}.${forged}.${signature}`);
    });
  });
}

describe('Zendesk app token settings', () => {
  it('refuses a shared secret shorter than 32 bytes, naming the setting', () => {
    assert.throws(
      () => loadConfig({ LIFELINE_ZENDESK_APP_SECRET: 'short-secret' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /LIFELINE_ZENDESK_APP_SECRET must be at least 32 bytes/.test(error.message),
    );
    assert.ok(loadConfig({ LIFELINE_ZENDESK_APP_SECRET: 'x'.repeat(32) }));
  });

  it('does not require an issuer when none is configured', async () => {
    const { iss: _iss, ...claims } = appClaims();
    const result = await principalForZendeskAppToken(await sign(claims), { secret, audience });
    assert.deepEqual(result.principal, {
      kind: 'zendesk',
      name: 'sam.agent@vendor.example',
      role: 'engineer',
      credential: 'Zendesk app',
    });
  });

  it('gives a reason for logs that does not contain the token', async () => {
    const token = await sign(appClaims({ aud: 'https://other-service.example' }));
    const result = await principalForZendeskAppToken(token, { secret, audience, issuer });
    assert.equal(result.principal, undefined);
    assert.equal(result.reason, 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('is refused by a service without the shared secret', async () => {
    const lifeline = await startTestService({}, { clock: clockOnDay(today) });
    try {
      const response = await lifeline.api('/api/v1/requests', { token: await sign(appClaims()) });
      assert.equal(response.status, 401);
      assert.match(response.body.error.message, /not configured/);
    } finally {
      await lifeline.stop();
    }
  });
});
