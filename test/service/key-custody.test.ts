/**
 * Which key signs, and that it is the right one: a service whose key stays in a PKCS#11 module
 * (SoftHSM2) issues licenses and records every signature with the key's fingerprint; a pinned
 * fingerprint that does not match stops the start; the development key is refused in a
 * production-looking setup and fails `doctor`; evidence keys have names that inspect and the
 * decision show.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clockOnDay } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { calendarDate, decodeLicense, loadVerificationKey } from '../../src/license/index.js';
import { listLicenseSignatures } from '../../src/requests/signatures.js';
import { checkReadiness } from '../../src/service/readiness.js';
import { createLogger } from '../../src/service/logger.js';
import { startService } from '../../src/service/start.js';
import { otherPublicKeyPath, readFixture, testPublicKeyPath } from '../license/fixtures.js';
import { eligibleBody, fixtureDay } from '../support/requests.js';
import { eventually, startTestService, testSigningKeyFile } from '../support/service.js';
import { createSoftHsmToken, type SoftHsmToken } from '../support/softhsm.js';

const testKey = loadVerificationKey(readFixture('test_license_key.pub'));
const otherKey = loadVerificationKey(readFixture('other_license_key.pub'));
const clock = clockOnDay(calendarDate(fixtureDay));
let token: SoftHsmToken;

before(() => {
  token = createSoftHsmToken(readFixture('test_license_key.pem'));
});
after(() => token.remove());

/** Starts a service with exactly these settings (no signing key unless given); returns the error. */
async function startFailure(env: Record<string, string>): Promise<Error> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-custody-'));
  try {
    const config = loadConfig({
      LIFELINE_DATA_DIR: dataDir,
      LIFELINE_PORT: '0',
      LIFELINE_LOG_LEVEL: 'silent',
      ...env,
    });
    const service = await startService(config, {
      roles: { api: true, worker: false },
      logger: createLogger('silent'),
    });
    await service.stop();
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  assert.fail('the service started');
}

describe('key custody', () => {
  it('issues licenses signed in the PKCS#11 module and records each signature with its key', async (t) => {
    const logs: string[] = [];
    const lifeline = await startTestService(
      { ...token.env, LIFELINE_SIGNING_KEY_FILE: '', LIFELINE_LOG_LEVEL: 'debug' },
      { clock, logs: { write: (line) => logs.push(line) } },
    );
    t.after(() => lifeline.stop());
    const created = await lifeline.api('/api/v1/requests', { body: eligibleBody() });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const request = await eventually(async () => {
      const { body } = await lifeline.api(`/api/v1/requests/${created.body.id}`);
      return body.state === 'succeeded' ? body : undefined;
    });
    const license = await lifeline.api(`/api/v1/requests/${created.body.id}/license`);
    const decoded = decodeLicense(String(license.body), [testKey]);
    assert.ok(decoded.ok, 'the module-signed license reads with the vendor public key');
    assert.equal(decoded.license.licensee.Email, 'jane@acme.example');

    const signed = (request.timeline as Array<{ kind: string; message: string }>).filter(
      (event) => event.kind === 'license.signed',
    );
    assert.equal(signed.length, 1);
    assert.match(signed[0]!.message, /PKCS#11 key "license-signing" on token "lifeline-test"/);
    const signatures = await listLicenseSignatures(lifeline.service.store.db, {
      requestId: created.body.id,
    });
    assert.equal(signatures.length, 1);
    assert.equal(signatures[0]!.keyFingerprint, testKey.fingerprint);
    assert.equal(signatures[0]!.licenseFingerprint, request.license.fingerprint);
    assert.equal(signatures[0]!.kept, true);
    // And in the hash-chained audit log, with the key and the request.
    const audited = await lifeline.service.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'license.signed')
      .where('request_id', '=', created.body.id)
      .execute();
    assert.equal(audited.length, 1);
    assert.equal(audited[0]!.target, `key ${testKey.fingerprint}`);
    assert.equal(
      (JSON.parse(audited[0]!.details) as { licenseFingerprint: string }).licenseFingerprint,
      request.license.fingerprint,
    );
    const stored = await lifeline.service.store.db
      .selectFrom('licenses')
      .select('key_fingerprint')
      .where('request_id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.key_fingerprint, testKey.fingerprint);

    const started = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const startLine = started.find((line) => line.msg === 'Lifeline started');
    assert.equal(startLine?.signingKey, testKey.fingerprint);
    assert.ok(
      logs.every((line) => !line.includes(token.settings.pin)),
      'the PIN never reaches the log',
    );
    assert.ok(!JSON.stringify(request).includes(token.settings.pin), 'nor an answer');
  });

  it('refuses to start with a key that does not match LIFELINE_SIGNING_KEY_FINGERPRINT', async () => {
    const error = await startFailure({
      LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
      LIFELINE_SIGNING_KEY_FINGERPRINT: otherKey.fingerprint,
    });
    assert.match(error.message, new RegExp(`fingerprint ${testKey.fingerprint}`));
    assert.match(
      error.message,
      new RegExp(`LIFELINE_SIGNING_KEY_FINGERPRINT pins ${otherKey.fingerprint}`),
    );
    const module = await startFailure({
      ...token.env,
      LIFELINE_SIGNING_KEY_FINGERPRINT: otherKey.fingerprint,
    });
    assert.match(module.message, /PKCS#11 key "license-signing".*LIFELINE_SIGNING_KEY_FINGERPRINT/);
  });

  it('starts with the pinned key, written as doctor prints it or with sha256: and colons', async (t) => {
    const colons = `SHA256:${testKey.fingerprint.toUpperCase().match(/../g)!.join(':')}`;
    const lifeline = await startTestService({ LIFELINE_SIGNING_KEY_FINGERPRINT: colons });
    t.after(() => lifeline.stop());
    assert.equal(
      lifeline.service.config.values.LIFELINE_SIGNING_KEY_FINGERPRINT,
      testKey.fingerprint,
    );
  });

  it('never signs with the development key in a production-looking setup unless allowed', async (t) => {
    const gitlab = {
      GITLAB_URL: 'http://127.0.0.1:9',
      GITLAB_TOKEN: 'glpat-test-000000000000',
      GITLAB_PROJECT: 'support/requests',
    };
    const refused = await startFailure(gitlab);
    assert.match(refused.message, /No signing key is configured, but GitLab is/);
    assert.match(refused.message, /lifeline keys generate/);
    assert.match(refused.message, /LIFELINE_SIGNING_KEY_FILE/);
    assert.match(refused.message, /LIFELINE_ALLOW_DEVELOPMENT_KEY=true/);

    const staging = await startTestService({
      ...gitlab,
      LIFELINE_SIGNING_KEY_FILE: '',
      LIFELINE_ALLOW_DEVELOPMENT_KEY: 'true',
    });
    t.after(() => staging.stop());
    assert.ok(staging.url);
  });

  it('refuses the key file and the module together', async () => {
    const error = await startFailure({
      ...token.env,
      LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
    });
    assert.match(
      error.message,
      /Both LIFELINE_SIGNING_KEY_FILE and the LIFELINE_SIGNING_PKCS11_\* settings/,
    );
  });

  it('doctor fails on the development key, saying how to make and configure the vendor key', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-doctor-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const development = await checkReadiness(loadConfig({ LIFELINE_DATA_DIR: dataDir }));
    const key = development.find((check) => check.name === 'signing key');
    assert.equal(key?.ok, false);
    assert.match(key.detail, /DEVELOPMENT key/);
    assert.match(
      key.fix ?? '',
      /lifeline keys generate --out DIR.*LIFELINE_SIGNING_KEY_FILE.*LIFELINE_SIGNING_PKCS11_/,
    );

    const module = await checkReadiness(loadConfig({ LIFELINE_DATA_DIR: dataDir, ...token.env }));
    const moduleKey = module.find((check) => check.name === 'signing key');
    assert.equal(moduleKey?.ok, true, moduleKey?.detail);
    assert.match(
      moduleKey.detail,
      new RegExp(`PKCS#11 key .* signs and reads back \\(fingerprint ${testKey.fingerprint}\\)`),
    );
    assert.ok(!JSON.stringify(module).includes(token.settings.pin), 'doctor never shows the PIN');
  });

  it('names the evidence key that signed a license in inspect and in the decision', async (t) => {
    const lifeline = await startTestService(
      {
        LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: `production=${testPublicKeyPath}, test=${otherPublicKeyPath}`,
      },
      { clock },
    );
    t.after(() => lifeline.stop());
    const inspect = (license: string) =>
      lifeline.api('/api/v1/licenses/inspect', { body: { license } });
    const production = await inspect(readFixture('expired-premium-480.gitlab-license'));
    assert.equal(production.body.keyName, 'production');
    assert.equal(production.body.keyFingerprint, testKey.fingerprint);
    const test = await inspect(readFixture('other-key.gitlab-license'));
    assert.equal(test.body.keyName, 'test');

    const decision = await lifeline.api('/api/v1/eligibility', { body: eligibleBody() });
    assert.equal(decision.body.facts.keyName, 'production');
    assert.equal(decision.body.facts.keyFingerprint, testKey.fingerprint);
  });

  it('names a plain evidence key path by its file name', async (t) => {
    const lifeline = await startTestService({
      LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: testPublicKeyPath,
    });
    t.after(() => lifeline.stop());
    const answer = await lifeline.api('/api/v1/licenses/inspect', {
      body: {
        license: readFileSync(
          new URL('../fixtures/gitlab-license/expired-premium-480.gitlab-license', import.meta.url),
          'utf8',
        ),
      },
    });
    assert.equal(answer.body.keyName, 'test_license_key.pub');
  });
});
