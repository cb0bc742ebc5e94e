/**
 * Our encoder's output read by OpenSSL, not by our own decoder: the RSA part is recovered with
 * `openssl pkeyutl -verifyrecover` (the inverse of the raw private operation the gem uses) and
 * the content with `openssl enc -d -aes-128-cbc`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  buildEmergencyLicense,
  defaultEmergencyLicenseSettings,
  encodeLicense,
  serializeLicenseAttributes,
} from '../../src/license/index.js';
import {
  fixtureEmergencyJson,
  fixtureIssueMoment,
  readFixture,
  testPublicKeyPath,
  testSigningKey,
} from './fixtures.js';

const signing = testSigningKey();
const work = mkdtempSync(join(tmpdir(), 'lifeline-license-'));
after(() => rmSync(work, { recursive: true, force: true }));

const emergency = buildEmergencyLicense(
  { customerEmail: 'admin@customer.example', userCount: 250, at: fixtureIssueMoment },
  defaultEmergencyLicenseSettings,
);

function openssl(args: string[]): Buffer {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Reads a license text with OpenSSL alone; returns the plaintext bytes. */
function readWithOpenssl(text: string): Buffer {
  const envelope = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as Record<
    string,
    string
  >;
  const keyPath = join(work, 'key.bin');
  const dataPath = join(work, 'data.bin');
  writeFileSync(keyPath, Buffer.from(envelope.key!, 'base64'));
  writeFileSync(dataPath, Buffer.from(envelope.data!, 'base64'));
  const aesKey = openssl([
    'pkeyutl',
    '-verifyrecover',
    '-pubin',
    '-inkey',
    testPublicKeyPath,
    '-pkeyopt',
    'rsa_padding_mode:pkcs1',
    '-in',
    keyPath,
  ]);
  assert.equal(aesKey.length, 16);
  const iv = Buffer.from(envelope.iv!, 'base64');
  return openssl([
    'enc',
    '-d',
    '-aes-128-cbc',
    '-K',
    aesKey.toString('hex'),
    '-iv',
    iv.toString('hex'),
    '-in',
    dataPath,
  ]);
}

describe('encodeLicense', () => {
  it('writes a license OpenSSL decrypts to the gem-identical JSON', () => {
    const text = encodeLicense(emergency, signing);
    assert.equal(readWithOpenssl(text).toString('utf8'), fixtureEmergencyJson());
  });

  it('writes non-ASCII licensee values as UTF-8 that OpenSSL recovers unchanged', () => {
    const unicode = JSON.parse(readFixture('unicode-unrestricted.json')) as Parameters<
      typeof encodeLicense
    >[0];
    const text = encodeLicense(unicode, signing);
    assert.equal(readWithOpenssl(text).toString('utf8'), readFixture('unicode-unrestricted.json'));
    assert.equal(serializeLicenseAttributes(unicode), readFixture('unicode-unrestricted.json'));
  });

  it('lays the text out as Ruby Base64.encode64 does', () => {
    const text = encodeLicense(emergency, signing);
    assert.ok(text.startsWith('eyJkYXRhIjoi'));
    assert.ok(text.endsWith('\n'));
    const lines = text.split('\n').slice(0, -1);
    for (const line of lines.slice(0, -1)) assert.equal(line.length, 60);
    assert.ok(lines.at(-1)!.length <= 60 && lines.at(-1)!.length > 0);
    const envelope = Buffer.from(text, 'base64').toString('utf8');
    assert.match(envelope, /^\{"data":"[^"]+","key":"[^"]+","iv":"[^"]+"\}$/);
    const parts = JSON.parse(envelope) as Record<string, string>;
    for (const value of Object.values(parts)) {
      assert.ok(value.endsWith('\n'));
      for (const line of value.split('\n').slice(0, -1)) assert.ok(line.length <= 60);
    }
    // The AES key goes through a 2048-bit RSA key: 256 bytes, 344 base64 characters in 6 lines.
    assert.equal(Buffer.from(parts.key!, 'base64').length, 256);
    assert.equal(Buffer.from(parts.iv!, 'base64').length, 16);
  });

  it('uses a fresh AES key and IV for every license', () => {
    const first = encodeLicense(emergency, signing);
    const second = encodeLicense(emergency, signing);
    assert.notEqual(first, second);
    assert.deepEqual(readWithOpenssl(first), readWithOpenssl(second));
  });

  it('adds BEGIN/END boundary lines padded to 60 characters like the gem', () => {
    const text = encodeLicense(emergency, signing, { boundary: 'GitLab Enterprise Edition' });
    const lines = text.split('\n');
    assert.equal(lines[0], '-----------BEGIN GITLAB ENTERPRISE EDITION LICENSE----------');
    assert.equal(lines.at(-1), '------------END GITLAB ENTERPRISE EDITION LICENSE-----------');
    // Same layout as the gem-made fixture, which has the same boundary.
    const fixture = readFixture('expired-premium-480.gitlab-license').split('\n');
    assert.equal(lines[0], fixture[0]);
    assert.equal(lines.at(-1), fixture.at(-1));
    const short = encodeLicense(emergency, signing, { boundary: 'GitLab' }).split('\n');
    assert.equal(short[0], `${'-'.repeat(20)}BEGIN GITLAB LICENSE${'-'.repeat(20)}`);
    assert.equal(short[0].length, 60);
    assert.equal(short.at(-1)!.length, 60);
    const body = lines.slice(1, -1).join('\n');
    assert.equal(readWithOpenssl(body).toString('utf8'), fixtureEmergencyJson());
  });

  it('refuses to sign attributes GitLab would refuse', () => {
    assert.throws(
      () => encodeLicense({ ...emergency, restrictions: { active_user_count: 2.5 } }, signing),
      RangeError,
    );
    assert.throws(() => encodeLicense({ ...emergency, licensee: {} }, signing), RangeError);
  });
});
