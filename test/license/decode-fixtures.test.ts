import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLicense } from '../../src/license/index.js';
import { otherVerificationKey, readFixture, testVerificationKey } from './fixtures.js';

const testKey = testVerificationKey();
const otherKey = otherVerificationKey();

describe('decodeLicense on licenses made by the gitlab-license gem', () => {
  const vectors: [license: string, json: string][] = [
    ['emergency-ultimate-250', 'emergency-ultimate-250'],
    ['expired-premium-480', 'expired-premium-480'],
    ['expired-premium-480-crlf', 'expired-premium-480'],
    ['expired-trial-100', 'expired-trial-100'],
    ['unicode-unrestricted', 'unicode-unrestricted'],
  ];
  for (const [license, json] of vectors) {
    it(`reproduces ${json}.json byte for byte from ${license}.gitlab-license`, () => {
      const result = decodeLicense(readFixture(`${license}.gitlab-license`), [testKey]);
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.equal(result.json, readFixture(`${json}.json`));
      assert.equal(result.key.fingerprint, testKey.fingerprint);
    });
  }

  it('reads the same license from bytes as from text', () => {
    const text = readFixture('expired-premium-480.gitlab-license');
    const fromBytes = decodeLicense(new TextEncoder().encode(`\uFEFF${text}`), [testKey]);
    assert.ok(fromBytes.ok);
    assert.equal(fromBytes.json, readFixture('expired-premium-480.json'));
  });

  it('types the attributes of a paid Premium license', () => {
    const result = decodeLicense(readFixture('expired-premium-480.gitlab-license'), [testKey]);
    assert.ok(result.ok);
    assert.deepEqual(result.license.licensee, {
      Name: 'Jane Admin',
      Company: 'Acme Industries',
      Email: 'jane@acme.example',
    });
    assert.equal(result.license.expires_at, '2026-11-12');
    assert.equal(result.license.block_changes_at, '2026-11-26');
    assert.deepEqual(result.license.restrictions, {
      active_user_count: 480,
      plan: 'premium',
      trial: false,
      id: 123456,
      subscription_id: '2c92a0ff7e1a0001',
      previous_user_count: 450,
    });
  });

  it('reads a license without restrictions and with non-ASCII licensee values', () => {
    const result = decodeLicense(readFixture('unicode-unrestricted.gitlab-license'), [testKey]);
    assert.ok(result.ok);
    assert.equal(result.license.licensee.Name, 'Zoë Ågren');
    assert.equal(result.license.licensee.Company, 'Bücher & Söhne / Köln');
    assert.equal(result.license.restrictions, undefined);
  });

  it('refuses a license made with another key, naming the keys tried', () => {
    const result = decodeLicense(readFixture('other-key.gitlab-license'), [testKey]);
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'WRONG_KEY');
    assert.match(result.error.message, /another key/);
    assert.ok(result.error.message.includes(testKey.fingerprint.slice(0, 16)));
  });

  it('reads the other-key license with its own key, and tries every key given', () => {
    const alone = decodeLicense(readFixture('other-key.gitlab-license'), [otherKey]);
    assert.ok(alone.ok);
    assert.equal(alone.json, readFixture('emergency-ultimate-250.json'));
    const second = decodeLicense(readFixture('other-key.gitlab-license'), [testKey, otherKey]);
    assert.ok(second.ok);
    assert.equal(second.key.fingerprint, otherKey.fingerprint);
    assert.equal(second.key.label, 'other_license_key.pub');
  });

  it('refuses a cut-off license with a message that says it is incomplete', () => {
    const result = decodeLicense(readFixture('truncated.gitlab-license'), [testKey]);
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'CORRUPTED');
    assert.match(result.error.message, /incomplete/);
    assert.match(result.error.message, /cut off/);
  });

  it('refuses a cut-off license at any line, never reading it as valid', () => {
    const lines = readFixture('emergency-ultimate-250.gitlab-license').split('\n');
    for (let count = 1; count < lines.length - 1; count += 1) {
      const result = decodeLicense(lines.slice(0, count).join('\n'), [testKey]);
      assert.ok(!result.ok, `${count} lines`);
      assert.ok(['CORRUPTED', 'NOT_A_LICENSE'].includes(result.error.code), result.error.code);
    }
  });
});
