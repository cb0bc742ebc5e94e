import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeLicense, loadVerificationKey } from '../../src/license/index.js';
import { fixtureEmergencyJson } from '../license/fixtures.js';
import { runInProcess, type CliResult } from '../support/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = 'test/fixtures/gitlab-license';
const privateKey = `${fixtures}/test_license_key.pem`;
const publicKey = `${fixtures}/test_license_key.pub`;
const otherPublicKey = `${fixtures}/other_license_key.pub`;
const testKey = loadVerificationKey(readFileSync(join(root, publicKey), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'lifeline-license-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

type Run = CliResult;

function lifeline(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  return runInProcess(args, {
    env: { ...environmentWithoutLifelineSettings(), ...options.env },
    ...(options.input !== undefined && { stdin: options.input }),
  });
}

/** The operator's own LIFELINE_* settings must not change what these tests expect. */
function environmentWithoutLifelineSettings(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('LIFELINE_')),
  );
}

function fixture(name: string): string {
  return readFileSync(join(root, fixtures, name), 'utf8');
}

/** A failure: exit code 1 and exactly one line on stderr. */
function assertOneLineFailure(result: Run, pattern: RegExp): void {
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^lifeline: [^\n]+\n$/);
  assert.match(result.stderr, pattern);
}

const create = ['license', 'create', '--email', 'admin@customer.example', '--users', '250'];

describe('lifeline license create', () => {
  it('prints the emergency license the gem would make, on stdout', async () => {
    const result = await lifeline([
      ...create,
      '--private-key',
      privateKey,
      '--at',
      '2026-11-28T12:00:00Z',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.startsWith('eyJkYXRhIjoi'));
    const decoded = decodeLicense(result.stdout, [testKey]);
    assert.ok(decoded.ok);
    assert.equal(decoded.json, fixtureEmergencyJson());
    assert.match(result.stderr, /250 users/);
    assert.match(
      result.stderr,
      /works through 2026-12-09 \(it expires at 00:00 on 2026-12-10, server time\)/,
    );
  });

  it('writes --out, and refuses to overwrite it without --force', async () => {
    const out = join(work, 'emergency.gitlab-license');
    const first = await lifeline([...create, '--private-key', privateKey, '--out', out]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, '');
    assert.ok(decodeLicense(readFileSync(out), [testKey]).ok);
    const again = await lifeline([...create, '--private-key', privateKey, '--out', out]);
    assertOneLineFailure(again, /already exists.*--force/);
    const forced = await lifeline([
      ...create,
      '--private-key',
      privateKey,
      '--out',
      out,
      '--force',
    ]);
    assert.equal(forced.code, 0, forced.stderr);
  });

  it('takes duration and licensee from the environment', async () => {
    const result = await lifeline(
      [...create, '--private-key', privateKey, '--at', '2026-11-28T12:00:00Z'],
      {
        env: {
          LIFELINE_LICENSE_DURATION_DAYS: '5',
          LIFELINE_LICENSEE_NAME: 'Temporary License',
          LIFELINE_LICENSEE_COMPANY: 'Acme Support',
        },
      },
    );
    assert.equal(result.code, 0, result.stderr);
    const decoded = decodeLicense(result.stdout, [testKey]);
    assert.ok(decoded.ok);
    assert.equal(decoded.license.expires_at, '2026-12-05');
    assert.equal(decoded.license.block_changes_at, undefined);
    assert.equal(decoded.license.licensee.Name, 'Temporary License');
    assert.equal(decoded.license.licensee.Company, 'Acme Support');
  });

  it('refuses bad settings, emails, counts, dates and keys with one line, printing no license', async () => {
    const ecKey = join(work, 'ec.pem');
    writeFileSync(
      ecKey,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      }),
    );
    const cases: [args: string[], pattern: RegExp, env?: Record<string, string>][] = [
      [
        [...create, '--private-key', privateKey],
        /LIFELINE_LICENSE_DURATION_DAYS/,
        { LIFELINE_LICENSE_DURATION_DAYS: '0' },
      ],
      [
        [...create, '--private-key', privateKey],
        /LIFELINE_LICENSE_DURATION_DAYS/,
        { LIFELINE_LICENSE_DURATION_DAYS: '10 days' },
      ],
      [
        [...create, '--private-key', privateKey],
        /LIFELINE_LICENSEE_NAME/,
        { LIFELINE_LICENSEE_NAME: '  ' },
      ],
      [
        [
          'license',
          'create',
          '--email',
          'not-an-email',
          '--users',
          '3',
          '--private-key',
          privateKey,
        ],
        /email/,
      ],
      [['license', 'create', '--email', '', '--users', '3', '--private-key', privateKey], /email/],
      [
        [
          'license',
          'create',
          '--email',
          'a@b.example',
          '--users',
          '0',
          '--private-key',
          privateKey,
        ],
        /--users/,
      ],
      [
        [
          'license',
          'create',
          '--email',
          'a@b.example',
          '--users',
          '2.5',
          '--private-key',
          privateKey,
        ],
        /--users/,
      ],
      [
        [
          'license',
          'create',
          '--email',
          'a@b.example',
          '--users',
          'many',
          '--private-key',
          privateKey,
        ],
        /--users/,
      ],
      [[...create, '--private-key', privateKey, '--at', '2026-02-30T10:00:00Z'], /--at/],
      [[...create, '--private-key', privateKey, '--at', '2026-11-28'], /instant with its zone/],
      [
        [...create, '--private-key', join(work, 'missing.pem')],
        /cannot read the private key .*no such file/,
      ],
      [[...create, '--private-key', publicKey], /public key/],
      [[...create, '--private-key', ecKey], /RSA/],
    ];
    const results = await Promise.all(
      cases.map(([args, , env]) => lifeline(args, env ? { env } : {})),
    );
    results.forEach((result, index) => {
      assertOneLineFailure(result, cases[index]![1]);
      assert.equal(result.stdout, '', `case ${index}`);
    });
  });
});

describe('lifeline license inspect', () => {
  it('prints a JSON result with the attributes exactly as in the file', async () => {
    const names = [
      'emergency-ultimate-250',
      'expired-premium-480',
      'expired-trial-100',
      'unicode-unrestricted',
    ];
    const results = await Promise.all(
      names.map((name) =>
        lifeline([
          'license',
          'inspect',
          `${fixtures}/${name}.gitlab-license`,
          '--public-key',
          publicKey,
          '--json',
          '--today',
          '2026-11-28',
        ]),
      ),
    );
    results.forEach((result, index) => {
      assert.equal(result.code, 0, result.stderr);
      const output = JSON.parse(result.stdout) as Record<string, unknown>;
      assert.equal(output.ok, true);
      assert.equal(output.keyFingerprint, testKey.fingerprint);
      assert.deepEqual(output.license, JSON.parse(fixture(`${names[index]}.json`)));
    });
    const premium = JSON.parse(results[1]!.stdout) as {
      status: { kind: string; readOnlySince: string };
    };
    assert.equal(premium.status.kind, 'read_only');
    assert.equal(premium.status.readOnlySince, '2026-11-26');
  });

  it('prints a readable table, reading the license from stdin with -', async () => {
    const result = await lifeline(
      ['license', 'inspect', '-', '--public-key', publicKey, '--today', '2026-11-20'],
      {
        input: fixture('expired-premium-480-crlf.gitlab-license'),
      },
    );
    assert.equal(result.code, 0, result.stderr);
    for (const expected of [
      /^Licensee +Jane Admin$/m,
      /^Company +Acme Industries$/m,
      /^Email +jane@acme\.example$/m,
      /^Plan +premium$/m,
      /^Trial +no$/m,
      /^Seats +480$/m,
      /^Previous users +450$/m,
      /^Starts +2025-11-01 \(GitLab's time zone\)$/m,
      /^Last full day +2026-11-11$/m,
      /^Expires +2026-11-12, at 00:00 server time$/m,
      /^Read-only from +2026-11-26$/m,
      /^What GitLab will do with it:$/m,
      /^ {2}2026-11-12 {2}Expired from 00:00 server time: paid features keep working in the grace period until 2026-11-25\.$/m,
      /^ {2}2026-11-26 {2}The instance turns read-only/m,
      /^Status +Expired on 2026-11-12 \(8 days ago\); in the grace period until 2026-11-26/m,
      new RegExp(`^Key +${testKey.fingerprint}`, 'm'),
    ]) {
      assert.match(result.stdout, expected);
    }
  });

  it('tries every --public-key given, and names the one that read the license', async () => {
    const result = await lifeline([
      'license',
      'inspect',
      `${fixtures}/other-key.gitlab-license`,
      '--public-key',
      `production=${publicKey}`,
      '--public-key',
      `test=${otherPublicKey}`,
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { keyFingerprint: string; keyName: string };
    assert.equal(
      output.keyFingerprint,
      loadVerificationKey(fixture('other_license_key.pub')).fingerprint,
    );
    assert.equal(output.keyName, 'test');
    const table = await lifeline([
      'license',
      'inspect',
      `${fixtures}/other-key.gitlab-license`,
      '--public-key',
      `test=${otherPublicKey}`,
    ]);
    assert.match(table.stdout, /^Key +[0-9a-f]{64} \(test\)$/m);
  });

  it('reads with the keys the service is configured with when no --public-key is given', async () => {
    const configured = await lifeline(
      ['license', 'inspect', `${fixtures}/expired-trial-100.gitlab-license`, '--json'],
      {
        env: {
          LIFELINE_DATA_DIR: work,
          LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: `production=${otherPublicKey},test=${publicKey}`,
        },
      },
    );
    assert.equal(configured.code, 0, configured.stderr);
    const output = JSON.parse(configured.stdout) as { keyFingerprint: string; keyName: string };
    assert.equal(output.keyFingerprint, testKey.fingerprint);
    assert.equal(output.keyName, 'test');

    const unreadable = await lifeline(
      ['license', 'inspect', `${fixtures}/expired-trial-100.gitlab-license`, '--json'],
      {
        env: {
          LIFELINE_DATA_DIR: work,
          LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: join(work, 'missing.pub'),
        },
      },
    );
    assertOneLineFailure(unreadable, /the configured keys cannot be read.*give --public-key FILE/);
    assert.equal(
      (JSON.parse(unreadable.stdout) as { error: { code: string } }).error.code,
      'KEYS_UNAVAILABLE',
    );
  });

  it('fails with a code on stdout (--json) and one line on stderr', async () => {
    const cases: [args: string[], code: string][] = [
      [[`${fixtures}/other-key.gitlab-license`, '--public-key', publicKey], 'WRONG_KEY'],
      [[`${fixtures}/truncated.gitlab-license`, '--public-key', publicKey], 'CORRUPTED'],
      [[`${fixtures}/README.md`, '--public-key', publicKey], 'NOT_BASE64'],
      [[join(work, 'missing.gitlab-license'), '--public-key', publicKey], 'FILE_UNREADABLE'],
      [
        [`${fixtures}/expired-trial-100.gitlab-license`, '--public-key', join(work, 'missing.pub')],
        'FILE_UNREADABLE',
      ],
      [
        [`${fixtures}/expired-trial-100.gitlab-license`, '--public-key', `${fixtures}/README.md`],
        'KEY_UNREADABLE',
      ],
      [
        [
          `${fixtures}/expired-trial-100.gitlab-license`,
          '--public-key',
          publicKey,
          '--today',
          'soon',
        ],
        'USAGE',
      ],
    ];
    const results = await Promise.all(
      cases.map(([args]) => lifeline(['license', 'inspect', ...args, '--json'])),
    );
    results.forEach((result, index) => {
      assertOneLineFailure(result, /./);
      const output = JSON.parse(result.stdout) as {
        ok: boolean;
        error: { code: string; message: string };
      };
      assert.equal(output.ok, false);
      assert.equal(output.error.code, cases[index]![1], result.stdout);
      assert.ok(result.stderr.includes(output.error.message));
    });
    const human = await lifeline([
      'license',
      'inspect',
      `${fixtures}/truncated.gitlab-license`,
      '--public-key',
      publicKey,
    ]);
    assertOneLineFailure(human, /incomplete/);
    assert.equal(human.stdout, '');
  });
});

describe('lifeline license preflight', () => {
  const emergencyAt = async (at: string) => {
    const out = join(work, `preflight-${at.replace(/\W/g, '')}.gitlab-license`);
    const made = await lifeline([
      ...create,
      '--private-key',
      privateKey,
      '--at',
      at,
      '--out',
      out,
      '--force',
    ]);
    assert.equal(made.code, 0, made.stderr);
    return out;
  };
  const preflight = (file: string, ...args: string[]) =>
    lifeline(['license', 'preflight', file, '--public-key', publicKey, ...args]);

  it('accepts a fresh emergency license in the westmost zone at once, and prints the JSON the issue names', async () => {
    const file = await emergencyAt('2026-11-28T00:05:00Z');
    const result = await preflight(
      file,
      '--maximum-users',
      '270',
      '--at',
      '2026-11-28T00:05:00Z',
      '--gitlab-time-zone',
      'Etc/GMT+12',
      '--server-time-zone',
      'Pacific/Kiritimati',
      '--json',
    );
    assert.equal(result.code, 0, result.stderr);
    const answer = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(answer).sort(), [
      'accepted',
      'activeFrom',
      'expiresAt',
      'message',
      'validHours',
    ]);
    assert.equal(answer.accepted, true);
    assert.equal(answer.message, null);
    assert.equal(answer.activeFrom, '2026-11-28T00:05:00.000Z');
    // 2026-12-09 at 00:00 in UTC+14.
    assert.equal(answer.expiresAt, '2026-12-08T10:00:00.000Z');
    assert.ok((answer.validHours as number) >= 240);
  });

  it('exits 1 with GitLab’s message when the seats are too few, and says it in words without --json', async () => {
    const file = await emergencyAt('2026-11-28T12:00:00Z');
    const result = await preflight(file, '--maximum-users', '276', '--at', '2026-11-28T12:00:00Z');
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /GitLab refuses this license: During the year before this license started, this GitLab installation had 276 active users, exceeding this license's limit of 250 by 26 users/,
    );
    const helped = await preflight(file, '--maximum-users', '275', '--at', '2026-11-28T12:00:00Z');
    assert.equal(helped.code, 0, helped.stderr);
    assert.match(helped.stderr, /^GitLab accepts this license\./);
    assert.match(helped.stderr, /valid for +\d+(\.\d+)? hours/);
  });

  it('exits 1 for an expired license and for a file the key cannot open', async () => {
    const expired = await preflight(
      `${fixtures}/expired-premium-480.gitlab-license`,
      '--maximum-users',
      '1',
      '--json',
    );
    assert.equal(expired.code, 1);
    assert.equal(
      (JSON.parse(expired.stdout) as { message: string }).message,
      'This license has already expired.',
    );
    const wrongKey = await preflight(
      `${fixtures}/other-key.gitlab-license`,
      '--maximum-users',
      '1',
      '--json',
    );
    assert.equal(wrongKey.code, 1);
    assert.match(
      (JSON.parse(wrongKey.stdout) as { message: string }).message,
      /^The license key is invalid/,
    );
  });

  it('exits 2 with one line for input it cannot check', async () => {
    const file = `${fixtures}/expired-premium-480.gitlab-license`;
    const cases: [string[], RegExp][] = [
      [['license', 'preflight', file, '--public-key', publicKey], /maximum-users/],
      [['license', 'preflight', file, '--maximum-users', '10'], /--public-key/],
      [
        ['license', 'preflight', file, '--public-key', publicKey, '--maximum-users', 'ten'],
        /--maximum-users must be a whole number/,
      ],
      [
        [
          'license',
          'preflight',
          file,
          '--public-key',
          publicKey,
          '--maximum-users',
          '10',
          '--billable-users',
          '11',
        ],
        /cannot be above --maximum-users/,
      ],
      [
        [
          'license',
          'preflight',
          file,
          '--public-key',
          publicKey,
          '--maximum-users',
          '10',
          '--gitlab-time-zone',
          'Mars/Base',
        ],
        /--gitlab-time-zone: "Mars\/Base" is not a time zone/,
      ],
      [
        [
          'license',
          'preflight',
          file,
          '--public-key',
          publicKey,
          '--maximum-users',
          '10',
          '--at',
          'tomorrow',
        ],
        /--at must be an instant/,
      ],
      [
        [
          'license',
          'preflight',
          join(work, 'nope'),
          '--public-key',
          publicKey,
          '--maximum-users',
          '10',
        ],
        /no such file/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => lifeline(args)));
    results.forEach((result, index) => {
      assert.equal(result.code, 2, `${cases[index]![0].join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, cases[index]![1]);
    });
  });
});
