import assert from 'node:assert/strict';
import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  KeyError,
  generateSigningKeyPair,
  loadSigningKey,
  loadVerificationKey,
} from '../../src/license/index.js';
import { readFixture } from './fixtures.js';

const pkcs1Private = readFixture('test_license_key.pem');
const spkiPublic = readFixture('test_license_key.pub');
const privateObject = createPrivateKey(pkcs1Private);
const pkcs8Private = privateObject.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1Public = loadVerificationKey(spkiPublic)
  .publicKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

function assertKeyError(load: () => unknown, code: string, pem: string): void {
  assert.throws(load, (error: unknown) => {
    assert.ok(error instanceof KeyError);
    assert.equal(error.code, code);
    // Never a line of the key in the message.
    for (const line of pem.split('\n')) {
      if (line.length > 20 && !line.startsWith('-----')) assert.ok(!error.message.includes(line));
    }
    return true;
  });
}

describe('license keys', () => {
  it('loads the PKCS#1 and PKCS#8 forms of a private key as the same key', () => {
    assert.ok(pkcs1Private.includes('BEGIN RSA PRIVATE KEY'));
    assert.ok(pkcs8Private.includes('BEGIN PRIVATE KEY'));
    assert.equal(
      loadSigningKey(pkcs1Private).fingerprint,
      loadSigningKey(pkcs8Private).fingerprint,
    );
  });

  it('loads SPKI and PKCS#1 public keys, and a private key for its public half', () => {
    assert.ok(spkiPublic.includes('BEGIN PUBLIC KEY'));
    assert.ok(pkcs1Public.includes('BEGIN RSA PUBLIC KEY'));
    const fingerprint = loadVerificationKey(spkiPublic).fingerprint;
    assert.equal(loadVerificationKey(pkcs1Public).fingerprint, fingerprint);
    assert.equal(loadVerificationKey(pkcs1Private).fingerprint, fingerprint);
  });

  it('fingerprints the public key as sha256 of its SPKI DER, the same from either file', () => {
    const der = Buffer.from(spkiPublic.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const expected = createHash('sha256').update(der).digest('hex');
    assert.equal(loadVerificationKey(spkiPublic).fingerprint, expected);
    assert.equal(loadSigningKey(pkcs1Private).fingerprint, expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
  });

  it('keeps the label of a verification key', () => {
    assert.equal(loadVerificationKey(spkiPublic, 'vendor').label, 'vendor');
    assert.equal(loadVerificationKey(spkiPublic).label, undefined);
  });

  it('refuses an EC key with KEY_NOT_RSA', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    assertKeyError(() => loadSigningKey(privateKey), 'KEY_NOT_RSA', privateKey);
    assertKeyError(() => loadVerificationKey(publicKey), 'KEY_NOT_RSA', publicKey);
  });

  it('refuses a 1024-bit RSA key with KEY_TOO_SMALL', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    assertKeyError(() => loadSigningKey(privateKey), 'KEY_TOO_SMALL', privateKey);
    assertKeyError(() => loadVerificationKey(publicKey), 'KEY_TOO_SMALL', publicKey);
  });

  it('refuses a public key where a private key is needed', () => {
    assertKeyError(() => loadSigningKey(spkiPublic), 'KEY_NOT_PRIVATE', spkiPublic);
  });

  it('refuses a passphrase-protected key without quoting it', () => {
    const encrypted = privateObject
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
      .toString();
    assertKeyError(() => loadSigningKey(encrypted), 'KEY_ENCRYPTED', encrypted);
    assertKeyError(() => loadVerificationKey(encrypted), 'KEY_ENCRYPTED', encrypted);
    const legacy = privateObject
      .export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'secret' })
      .toString();
    assert.match(legacy, /Proc-Type: 4,ENCRYPTED/);
    assertKeyError(() => loadSigningKey(legacy), 'KEY_ENCRYPTED', legacy);
  });

  it('refuses text that is no key, or a damaged one, without quoting it', () => {
    assertKeyError(() => loadSigningKey('hello'), 'KEY_UNREADABLE', 'hello');
    assertKeyError(() => loadVerificationKey(''), 'KEY_UNREADABLE', '');
    const damaged = pkcs1Private.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n!!!!\n');
    assertKeyError(() => loadSigningKey(damaged), 'KEY_UNREADABLE', damaged);
  });

  it('generates a 2048-bit pair that loads back with matching fingerprints', () => {
    const { privatePem, publicPem } = generateSigningKeyPair();
    assert.ok(privatePem.startsWith('-----BEGIN RSA PRIVATE KEY-----'));
    assert.ok(publicPem.startsWith('-----BEGIN PUBLIC KEY-----'));
    const signing = loadSigningKey(privatePem);
    assert.equal(signing.privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(signing.fingerprint, loadVerificationKey(publicPem).fingerprint);
    assert.throws(() => generateSigningKeyPair(1024), RangeError);
  });
});
