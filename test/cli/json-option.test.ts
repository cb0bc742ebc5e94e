/**
 * Every command a script may call prints JSON with `--json`: the tree is walked, so a new
 * command without it fails here. The long-running ones (serve, worker) print logs, and
 * `audit export` prints JSON lines already.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { runInProcess } from '../support/cli.js';

const withoutJson = new Set(['serve', 'worker', 'audit export']);
const work = mkdtempSync(join(tmpdir(), 'lifeline-json-'));
after(() => rmSync(work, { recursive: true, force: true }));

function leaves(command: Command, prefix?: string): [string, Command][] {
  const name = prefix === undefined ? '' : `${prefix} ${command.name()}`.trim();
  if (command.commands.length === 0) return [[name, command]];
  return command.commands.flatMap((child) => leaves(child, name));
}

it('every command but serve, worker and audit export takes --json', async () => {
  const missing = leaves(await buildProgram())
    .filter(([name]) => !withoutJson.has(name.trim()))
    .filter(([, command]) => !command.options.some((option) => option.long === '--json'))
    .map(([name]) => name.trim());
  assert.deepEqual(missing, []);
});

async function lifeline(args: string[], env: Record<string, string> = {}): Promise<string> {
  const run = await runInProcess(args, {
    env: { ...process.env, LIFELINE_DATA_DIR: work, DATABASE_URL: '', ...env },
  });
  if (run.code !== 0) throw new Error(run.stderr);
  return run.stdout;
}

it('prints one JSON document on stdout for keys generate, license create and migrate', async () => {
  const keys = JSON.parse(await lifeline(['keys', 'generate', '--out', work, '--json'])) as {
    privateKey: string;
    fingerprint: string;
  };
  assert.equal(keys.privateKey, join(work, 'license_key.pem'));
  assert.match(keys.fingerprint, /^[0-9a-f]{64}$/);

  const license = JSON.parse(
    await lifeline([
      'license',
      'create',
      '--email',
      'ops@acme.example',
      '--users',
      '25',
      '--private-key',
      keys.privateKey,
      '--at',
      '2026-12-05T18:00:00Z',
      '--json',
    ]),
  ) as { license: string; userCount: number; activeFrom: string; expiresAt: string };
  assert.match(license.license, /^[A-Za-z0-9+/=\n]+$/);
  assert.equal(license.userCount, 25);
  assert.equal(license.activeFrom, '2026-12-05');
  assert.match(license.expiresAt, /^2026-12-1\d$/);

  const migrated = JSON.parse(await lifeline(['migrate', '--json'])) as { applied: string[] };
  assert.ok(migrated.applied.includes('0001-initial'));
  const again = JSON.parse(await lifeline(['migrate', '--json'])) as { applied: string[] };
  assert.deepEqual(again.applied, []);
});
