/**
 * X-Forwarded-For names the caller only as far as LIFELINE_TRUST_PROXY says: by default a proxy
 * on this machine, whose own entry (the last) is the caller; a caller's own entries before it
 * are not believed. With `off` the header is ignored. What the audit log records and what the
 * sign-in throttle counts by is that address.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/config-error.js';
import { parseTrustedProxies } from '../../src/http/trusted-proxies.js';
import { startTestService, type TestService } from '../support/service.js';

let attempt = 0;

/** A wrong password for an account of its own each time, so only the address is throttled. */
async function failedSignIn(lifeline: TestService, forwardedFor: string) {
  attempt += 1;
  const answer = await lifeline.api('/api/v1/session', {
    token: null,
    body: { username: `nobody-${attempt}`, password: 'a wrong passphrase' },
    headers: { 'x-forwarded-for': forwardedFor },
  });
  const entry = await lifeline.service.store.db
    .selectFrom('audit_log')
    .select(['address', 'action'])
    .orderBy('seq', 'desc')
    .executeTakeFirst();
  return { status: answer.status, address: entry?.address };
}

describe('the caller’s address behind a proxy on this machine (the default)', () => {
  let lifeline: TestService;
  before(async () => {
    lifeline = await startTestService({}, { roles: { api: true, worker: false } });
  });
  after(() => lifeline.stop());

  it('records the address the proxy added, not the ones the caller wrote before it', async () => {
    // A proxy appends the address it saw: "what the caller sent, the caller".
    const answer = await failedSignIn(lifeline, '203.0.113.66, 198.51.100.7');
    assert.equal(answer.status, 401);
    assert.equal(answer.address, '198.51.100.7');
  });
});

describe('LIFELINE_TRUST_PROXY=off', () => {
  let lifeline: TestService;
  before(async () => {
    lifeline = await startTestService(
      { LIFELINE_TRUST_PROXY: 'off' },
      { roles: { api: true, worker: false } },
    );
  });
  after(() => lifeline.stop());

  it('ignores the header: made-up addresses neither reach the audit log nor spread the throttle', async () => {
    const first = await failedSignIn(lifeline, '203.0.113.66');
    assert.equal(first.status, 401);
    assert.match(first.address ?? '', /^(::ffff:)?127\.0\.0\.1$|^::1$/);
    // 20 failures from one address within the window: the 21st is refused, whatever it claims.
    for (let i = 1; i < 20; i += 1)
      assert.equal((await failedSignIn(lifeline, `10.9.${i}.1`)).status, 401);
    assert.equal((await failedSignIn(lifeline, '10.9.99.1')).status, 429);
  });
});

describe('parsing LIFELINE_TRUST_PROXY', () => {
  it('takes off, the named ranges, addresses and CIDR ranges', () => {
    assert.equal(parseTrustedProxies('off'), false);
    assert.deepEqual(parseTrustedProxies('loopback'), ['loopback']);
    assert.deepEqual(parseTrustedProxies(' 10.0.0.0/8, uniquelocal ,fd00::1 ,192.0.2.1'), [
      '10.0.0.0/8',
      'uniquelocal',
      'fd00::1',
      '192.0.2.1',
    ]);
    assert.deepEqual(loadConfig({}).values.LIFELINE_TRUST_PROXY, ['loopback']);
  });

  for (const wrong of ['yes', '10.0.0.0/33', '10.0.0/8', '::1/129', '1.2.3.4/8/9', ' , ']) {
    it(`refuses ${JSON.stringify(wrong)} with a sentence naming the setting`, () => {
      assert.throws(
        () => loadConfig({ LIFELINE_TRUST_PROXY: wrong }),
        (error: unknown) =>
          error instanceof ConfigError && error.message.includes('LIFELINE_TRUST_PROXY'),
      );
    });
  }
});
