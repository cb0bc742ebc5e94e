/**
 * `lifeline license create` and the service read one configuration: a license made offline
 * from a checkout with a `.env` and a LIFELINE_CONFIG_FILE is the license the service issues.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { clockOnDay } from '../../src/clock.js';
import { addDotEnv } from '../../src/config.js';
import { calendarDate, decodeLicense, loadVerificationKey } from '../../src/license/index.js';
import { eligibleBody, fixtureDay } from '../support/requests.js';
import {
  eventually,
  startTestService,
  testPublicKeyFile,
  testSigningKeyFile,
} from '../support/service.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const publicKey = loadVerificationKey(readFileSync(testPublicKeyFile, 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'lifeline-one-config-'));
after(() => rmSync(work, { recursive: true, force: true }));

function lifelineIn(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('LIFELINE_')),
  );
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'bin/lifeline'), ...args],
      { cwd, env: { ...clean, ...env } },
      (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('one configuration for the service and the CLI', () => {
  // The duration in .env, the licensee in the JSON file that .env names.
  const configFile = join(work, 'lifeline.json');
  writeFileSync(
    configFile,
    JSON.stringify({ LIFELINE_LICENSEE_COMPANY: 'Acme Support', LIFELINE_LICENSEE_NAME: 'Cover' }),
  );
  writeFileSync(
    join(work, '.env'),
    `LIFELINE_LICENSE_DURATION_DAYS=5\nLIFELINE_CONFIG_FILE=${configFile}\nLIFELINE_DATA_DIR=${join(work, 'data')}\n`,
  );
  const create = [
    'license',
    'create',
    '--email',
    'ops@same-license.example',
    '--users',
    '250',
    '--private-key',
    testSigningKeyFile,
    '--at',
    `${fixtureDay}T12:00:00Z`,
  ];

  it('license create signs exactly the license a service request gets', async () => {
    const offline = await lifelineIn(work, create);
    assert.equal(offline.code, 0, offline.stderr);
    const made = decodeLicense(offline.stdout, [publicKey]);
    assert.ok(made.ok);

    const env: Record<string, string | undefined> = {};
    addDotEnv(env, join(work, '.env'));
    const lifeline = await startTestService(
      Object.fromEntries(
        Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
      { clock: clockOnDay(calendarDate(fixtureDay)) },
    );
    try {
      const created = await lifeline.api('/api/v1/requests', {
        body: eligibleBody({ customerEmail: 'ops@same-license.example', userCount: 250 }),
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      const text = await eventually(async () => {
        const download = await lifeline.api(`/api/v1/requests/${created.body.id}/license`);
        return download.status === 200 ? (download.body as string) : undefined;
      }, 15_000);
      const issued = decodeLicense(text, [publicKey]);
      assert.ok(issued.ok);
      assert.equal(issued.license.licensee.Company, 'Acme Support');
      assert.equal(issued.license.licensee.Name, 'Cover');
      assert.equal(issued.license.expires_at, '2026-12-05');
      // Made for the same instant, so every attribute is the same, dates included.
      assert.deepEqual(made.license, issued.license);
    } finally {
      await lifeline.stop();
    }
  });

  it('lets the environment win over .env, as the service does', async () => {
    const result = await lifelineIn(work, create, { LIFELINE_LICENSE_DURATION_DAYS: '10' });
    assert.equal(result.code, 0, result.stderr);
    const decoded = decodeLicense(result.stdout, [publicKey]);
    assert.ok(decoded.ok);
    assert.equal(decoded.license.expires_at, '2026-12-10');
  });

  it('refuses a wrong setting in .env with one line naming it', async () => {
    const elsewhere = mkdtempSync(join(work, 'wrong-'));
    writeFileSync(join(elsewhere, '.env'), 'LIFELINE_LICENSEE_NAME="  "\n');
    const result = await lifelineIn(elsewhere, create);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^lifeline: LIFELINE_LICENSEE_NAME must be a single line[^\n]*\n$/);
  });
});
