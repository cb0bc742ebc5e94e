/**
 * The PKCS#11 signer against a real module: SoftHSM2 (Debian's softhsm2, installed by .ci/run),
 * with a token of the test's own in a temporary folder. A license signed in the module is read
 * by OpenSSL alone and by our gem-compatible decoder; a module that stops answering fails the
 * signature at its deadline without blocking the event loop, and the next one works again.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildEmergencyLicense,
  decodeLicense,
  defaultEmergencyLicenseSettings,
  serializeLicenseAttributes,
  signLicense,
} from '../../src/license/index.js';
import { openPkcs11Signer } from '../../src/signing/pkcs11-signer.js';
import { SignerError } from '../../src/signing/signer-error.js';
import {
  readFixture,
  testPublicKeyPath,
  testSigningKey,
  testVerificationKey,
} from '../license/fixtures.js';
import { createSoftHsmToken, type SoftHsmToken } from '../support/softhsm.js';

const emergency = buildEmergencyLicense(
  { customerEmail: 'admin@customer.example', userCount: 250, at: new Date('2026-11-28T12:00:00Z') },
  defaultEmergencyLicenseSettings,
);
const work = mkdtempSync(join(tmpdir(), 'lifeline-pkcs11-'));
let token: SoftHsmToken;

before(() => {
  token = createSoftHsmToken(readFixture('test_license_key.pem'));
});
after(() => {
  token.remove();
  rmSync(work, { recursive: true, force: true });
});

function openssl(args: string[]): Buffer {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

let faulty: string | undefined;
/** SoftHSM with switchable faults (test/fakes/hanging-pkcs11.c), built once with cc. */
function faultyModule(): string {
  if (faulty) return faulty;
  const module = join(work, 'hanging-pkcs11.so');
  execFileSync('cc', [
    ...['-shared', '-fPIC', '-O1', '-o', module],
    new URL('../fakes/hanging-pkcs11.c', import.meta.url).pathname,
    ...['-I', new URL('../../node_modules/pkcs11js/includes', import.meta.url).pathname],
    '-ldl',
  ]);
  faulty = module;
  return module;
}

async function rejection(promise: Promise<unknown>): Promise<SignerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SignerError, `a SignerError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the promise to reject');
}

describe('the PKCS#11 signer (SoftHSM2)', () => {
  it('signs a license in the module that OpenSSL and the gem-compatible decoder read', async (t) => {
    const signer = await openPkcs11Signer(token.settings);
    t.after(() => signer.close());
    assert.equal(signer.fingerprint, testSigningKey().fingerprint);
    assert.match(signer.description, /PKCS#11 key "license-signing" on token "lifeline-test"/);

    const text = await signLicense(emergency, signer);
    const decoded = decodeLicense(text, [testVerificationKey()]);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
    assert.deepEqual(decoded.license, emergency);

    const envelope = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as Record<
      string,
      string
    >;
    writeFileSync(join(work, 'key.bin'), Buffer.from(envelope.key!, 'base64'));
    writeFileSync(join(work, 'data.bin'), Buffer.from(envelope.data!, 'base64'));
    const aesKey = openssl([
      ...['pkeyutl', '-verifyrecover', '-pubin', '-inkey', testPublicKeyPath],
      ...['-pkeyopt', 'rsa_padding_mode:pkcs1', '-in', join(work, 'key.bin')],
    ]);
    assert.equal(aesKey.length, 16);
    const plain = openssl([
      ...['enc', '-d', '-aes-128-cbc', '-K', aesKey.toString('hex')],
      ...[
        '-iv',
        Buffer.from(envelope.iv!, 'base64').toString('hex'),
        '-in',
        join(work, 'data.bin'),
      ],
    ]);
    assert.equal(plain.toString('utf8'), serializeLicenseAttributes(emergency));
  });

  it('signs many licenses asked for at once, one after another in the module thread', async (t) => {
    const signer = await openPkcs11Signer(token.settings);
    t.after(() => signer.close());
    const texts = await Promise.all(
      Array.from({ length: 20 }, () => signLicense(emergency, signer)),
    );
    assert.equal(new Set(texts).size, 20);
    for (const text of texts) assert.ok(decodeLicense(text, [testVerificationKey()]).ok);
  });

  it('refuses a wrong PIN with a sentence naming the setting, never the PIN', async () => {
    const error = await rejection(openPkcs11Signer({ ...token.settings, pin: '99999999' }));
    assert.equal(error.code, 'CKR_PIN_INCORRECT');
    assert.equal(error.retryable, false);
    assert.match(error.message, /LIFELINE_SIGNING_PKCS11_PIN/);
    assert.doesNotMatch(error.message, /99999999/);
  });

  it('names the label setting when the token or the key is not there', async () => {
    const noKey = await rejection(openPkcs11Signer({ ...token.settings, keyLabel: 'no-such-key' }));
    assert.equal(noKey.code, 'PKCS11_KEY_NOT_FOUND');
    assert.match(noKey.message, /"no-such-key".*LIFELINE_SIGNING_PKCS11_KEY_LABEL/);
    const noToken = await rejection(
      openPkcs11Signer({ ...token.settings, tokenLabel: 'no-such-token' }),
    );
    assert.equal(noToken.code, 'PKCS11_TOKEN_NOT_FOUND');
    assert.match(noToken.message, /LIFELINE_SIGNING_PKCS11_TOKEN_LABEL/);
    const noModule = await rejection(
      openPkcs11Signer({ ...token.settings, module: join(work, 'missing.so') }),
    );
    assert.equal(noModule.code, 'PKCS11_MODULE_UNLOADABLE');
    assert.match(noModule.message, /LIFELINE_SIGNING_PKCS11_MODULE/);
  });

  it('opens a fresh session when the module dropped the pooled one', async (t) => {
    const module = faultyModule();
    const signer = await openPkcs11Signer({ ...token.settings, module });
    t.after(() => signer.close());
    assert.ok(decodeLicense(await signLicense(emergency, signer), [testVerificationKey()]).ok);
    writeFileSync(`${module}.drop`, '');
    const text = await signLicense(emergency, signer);
    assert.ok(decodeLicense(text, [testVerificationKey()]).ok);
    assert.equal(existsSync(`${module}.drop`), false, 'the module dropped the session');
  });

  it('fails a signature the module does not answer in time, without blocking, and recovers', async (t) => {
    const module = faultyModule();
    const hangFile = `${module}.hang`;
    const signer = await openPkcs11Signer({ ...token.settings, module }, { deadlineMs: 1_000 });
    t.after(async () => {
      rmSync(hangFile, { force: true });
      await signer.close();
    });
    assert.ok(decodeLicense(await signLicense(emergency, signer), [testVerificationKey()]).ok);

    writeFileSync(hangFile, '');
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 50);
    const started = Date.now();
    const error = await rejection(signLicense(emergency, signer));
    const waited = Date.now() - started;
    clearInterval(ticker);
    assert.equal(error.code, 'PKCS11_TIMEOUT');
    assert.equal(error.retryable, true);
    assert.match(error.message, /did not answer within 1 s/);
    assert.ok(waited >= 900 && waited < 5_000, `failed after ${waited} ms`);
    // The event loop kept running while the module hung.
    assert.ok(ticks >= 10, `the event loop ticked ${ticks} times in ${waited} ms`);

    // The module answers again: the next license is signed by a fresh thread and session.
    rmSync(hangFile);
    const text = await signLicense(emergency, signer);
    assert.ok(decodeLicense(text, [testVerificationKey()]).ok);
  });
});
