import assert from 'node:assert/strict';
import { createCipheriv, constants, privateEncrypt, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeLicense } from '../../src/license/index.js';
import type { LicenseDecodeErrorCode } from '../../src/license/index.js';
import { encodeRubyBase64 } from '../../src/license/ruby-base64.js';
import { readFixture, testSigningKey, testVerificationKey } from './fixtures.js';

const signing = testSigningKey();
const keys = [testVerificationKey()];
const valid = JSON.parse(readFixture('emergency-ultimate-250.json')) as Record<string, unknown>;

/** A license text around any plaintext, made the gem's way but without our encoder's checks. */
function wrap(
  plaintext: string | Buffer,
  envelope?: (parts: Record<string, string>) => unknown,
): string {
  const aesKey = randomBytes(16);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', aesKey, iv);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const key = privateEncrypt(
    { key: signing.privateKey, padding: constants.RSA_PKCS1_PADDING },
    aesKey,
  );
  const parts = {
    data: encodeRubyBase64(data),
    key: encodeRubyBase64(key),
    iv: encodeRubyBase64(iv),
  };
  return encodeRubyBase64(Buffer.from(JSON.stringify(envelope ? envelope(parts) : parts)));
}

function errorOf(text: string | Uint8Array): { code: LicenseDecodeErrorCode; message: string } {
  const result = decodeLicense(text, keys);
  assert.ok(!result.ok, 'expected the license to be refused');
  return result.error;
}

function withAttribute(name: string, value: unknown): string {
  return JSON.stringify({ ...valid, [name]: value });
}

describe('decodeLicense refuses what is not a readable license, and says why', () => {
  it('calls empty and whitespace-only text EMPTY', () => {
    for (const text of [
      '',
      '   \r\n\t',
      '-----BEGIN GITLAB LICENSE-----\n\n-----END GITLAB LICENSE-----',
    ]) {
      assert.equal(errorOf(text).code, 'EMPTY');
    }
  });

  it('calls text with characters outside base64 NOT_BASE64', () => {
    assert.equal(errorOf('this is my license, please help!').code, 'NOT_BASE64');
    assert.equal(errorOf('eyJkYXRhIjoi-_').code, 'NOT_BASE64');
    assert.equal(errorOf('eyJk=YXRh').code, 'NOT_BASE64');
    assert.equal(errorOf('{"data":"x","key":"y","iv":"z"}').code, 'NOT_BASE64');
  });

  it('calls base64 of something else NOT_A_LICENSE', () => {
    assert.equal(
      errorOf(Buffer.from('hello world, not a license').toString('base64')).code,
      'NOT_A_LICENSE',
    );
    assert.equal(errorOf(Buffer.from('[1,2,3]').toString('base64')).code, 'NOT_A_LICENSE');
    assert.equal(errorOf(Buffer.from('{"name":"x"}').toString('base64')).code, 'NOT_A_LICENSE');
    // A word is base64 too, cut short or not: it is not a license that stops partway.
    assert.equal(errorOf('garbage').code, 'NOT_A_LICENSE');
    // The first characters of a license's text, cut off there, are one.
    assert.equal(errorOf('eyJkYXRh').code, 'CORRUPTED');
    assert.equal(errorOf('eyJkYXRhIjoi').code, 'CORRUPTED');
  });

  it('calls an envelope without data, key or iv FIELD_MISSING, naming the part', () => {
    const error = errorOf(wrap(JSON.stringify(valid), ({ data, key }) => ({ data, key })));
    assert.equal(error.code, 'FIELD_MISSING');
    assert.match(error.message, /iv/);
  });

  it('calls a changed key part WRONG_KEY and a changed data part CORRUPTED', () => {
    const text = readFixture('emergency-ultimate-250.gitlab-license');
    const envelope = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as Record<
      string,
      string
    >;
    const flip = (value: string): string =>
      value[0] === 'A' ? `B${value.slice(1)}` : `A${value.slice(1)}`;
    const changedKey = Buffer.from(
      JSON.stringify({ ...envelope, key: flip(envelope.key!) }),
    ).toString('base64');
    assert.equal(errorOf(changedKey).code, 'WRONG_KEY');
    const shortData = Buffer.from(
      JSON.stringify({ ...envelope, data: envelope.data!.slice(8) }),
    ).toString('base64');
    assert.equal(errorOf(shortData).code, 'CORRUPTED');
  });

  it('calls a plaintext that is not UTF-8 or not JSON CORRUPTED', () => {
    assert.equal(errorOf(wrap(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]))).code, 'CORRUPTED');
    assert.equal(errorOf(wrap('{"version":1,')).code, 'CORRUPTED');
    assert.equal(errorOf(wrap('[]')).code, 'CORRUPTED');
  });

  it('accepts only the integer 1 as version', () => {
    for (const version of [2, '1', 1.5, null, true]) {
      const error = errorOf(wrap(withAttribute('version', version)));
      assert.equal(error.code, 'UNSUPPORTED_VERSION', String(version));
      assert.match(error.message, /version 1/);
    }
    const { version: _version, ...noVersion } = valid;
    assert.equal(errorOf(wrap(JSON.stringify(noVersion))).code, 'UNSUPPORTED_VERSION');
  });

  it('calls a license without expires_at, issued_at or licensee FIELD_MISSING', () => {
    for (const name of ['expires_at', 'issued_at', 'licensee']) {
      const { [name]: _dropped, ...rest } = valid;
      const error = errorOf(wrap(JSON.stringify(rest)));
      assert.equal(error.code, 'FIELD_MISSING', name);
      assert.ok(error.message.includes(name), error.message);
    }
    const { issued_at: issuedAt, ...startsAt } = valid;
    assert.match(
      errorOf(wrap(JSON.stringify({ ...startsAt, starts_at: issuedAt }))).message,
      /starts_at/,
    );
  });

  it('names the attribute whose type is wrong', () => {
    const cases: [name: string, value: unknown, path: string][] = [
      ['expires_at', '2026-02-30', 'expires_at'],
      ['expires_at', '2026-12-08T00:00:00Z', 'expires_at'],
      ['issued_at', 20261128, 'issued_at'],
      ['block_changes_at', '22/12/2026', 'block_changes_at'],
      ['cloud_licensing_enabled', 'false', 'cloud_licensing_enabled'],
      ['auto_renew_enabled', 0, 'auto_renew_enabled'],
      ['licensee', { Name: 'x', Email: 42 }, 'licensee.Email'],
      ['licensee', 'Acme', 'licensee'],
      ['licensee', {}, 'licensee'],
      ['restrictions', [], 'restrictions'],
      ['restrictions', { active_user_count: 250.5 }, 'restrictions.active_user_count'],
      ['restrictions', { active_user_count: '250' }, 'restrictions.active_user_count'],
      ['restrictions', { active_user_count: -1 }, 'restrictions.active_user_count'],
      ['restrictions', { plan: 'platinum' }, 'restrictions.plan'],
      ['restrictions', { trial: 'true' }, 'restrictions.trial'],
      ['restrictions', { add_ons: { duo: 1.5 } }, 'restrictions.add_ons.duo'],
    ];
    for (const [name, value, path] of cases) {
      const error = errorOf(wrap(withAttribute(name, value)));
      assert.equal(error.code, 'INVALID_ATTRIBUTE', `${name}=${JSON.stringify(value)}`);
      assert.ok(error.message.includes(path), error.message);
    }
  });

  it('keeps unknown keys in json but leaves them out of the typed license', () => {
    const plaintext = JSON.stringify({
      ...valid,
      future_flag: 'x',
      restrictions: { active_user_count: 5, plan: 'premium', unknown_limit: 3 },
    });
    const result = decodeLicense(wrap(plaintext), keys);
    assert.ok(result.ok);
    assert.equal(result.json, plaintext);
    assert.equal('future_flag' in result.license, false);
    assert.deepEqual(result.license.restrictions, { active_user_count: 5, plan: 'premium' });
  });

  it('reads flags a gem 1.x license leaves out as false', () => {
    const plaintext = JSON.stringify({
      version: 1,
      licensee: { Name: 'Old' },
      issued_at: '2020-01-01',
      expires_at: '2021-01-01',
    });
    const result = decodeLicense(wrap(plaintext), keys);
    assert.ok(result.ok);
    assert.equal(result.license.cloud_licensing_enabled, false);
    assert.equal(result.license.generated_from_cancellation, false);
  });

  it('accepts unwrapped base64, CRLF, spaces and a custom boundary', () => {
    const text = readFixture('expired-trial-100.gitlab-license');
    const variants = [
      text.replace(/\n/g, ''),
      text.replace(/\n/g, '\r\n'),
      `  ${text.replace(/\n/g, ' \n  ')}  `,
      `Here it is:\n-----BEGIN GITLAB LICENSE-----\n${text}-----END GITLAB LICENSE-----\nThanks`,
      `-----BEGIN GITLAB LICENSE-----${text.replace(/\n/g, '')}-----END GITLAB LICENSE-----`,
    ];
    for (const variant of variants) {
      const result = decodeLicense(variant, keys);
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.equal(result.json, readFixture('expired-trial-100.json'));
    }
  });

  it('answers WRONG_KEY when no key is given', () => {
    const result = decodeLicense(readFixture('expired-trial-100.gitlab-license'), []);
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'WRONG_KEY');
  });

  it('refuses oversized input without parsing it', () => {
    assert.equal(errorOf('A'.repeat(300 * 1024)).code, 'NOT_A_LICENSE');
  });
});
