/**
 * The CLI tests run commands in-process (test/support/cli.ts); these few run the real
 * `bin/lifeline`, to prove what only a process shows: its exit codes (1, 2, and usage errors),
 * standard input, stdout and stderr kept apart, and the same answer as the in-process entry.
 * `--version` (version-cli), signals (serve-cli, the crash tests) and `.env` in the working
 * directory (one-configuration) have their own spawning tests.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runInProcess, type CliResult } from '../support/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-real-binary-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { ...process.env, LIFELINE_DATA_DIR: dataDir, DATABASE_URL: '' };

function lifeline(args: string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['bin/lifeline', ...args],
      { cwd: root, env },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

it('reads a password on stdin, prints JSON on stdout and people’s lines on stderr', async () => {
  const made = await lifeline(
    ['users', 'create', '--username', 'robin', '--password-stdin', '--json'],
    'a long enough passphrase\n',
  );
  assert.equal(made.code, 0, made.stderr);
  assert.equal((JSON.parse(made.stdout) as { username: string }).username, 'robin');
  const listed = await lifeline(['users', 'list', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const inProcess = await runInProcess(['users', 'list', '--json'], { env });
  assert.deepEqual(listed, inProcess, 'the binary and the in-process entry answer alike');
});

it('exits 1 with one line on stderr when a command fails, and on an unknown command', async () => {
  const failed = await lifeline(['tokens', 'create', '--name', '']);
  assert.equal(failed.code, 1);
  assert.equal(failed.stdout, '');
  assert.match(failed.stderr, /^lifeline: A token needs a name[^\n]*\n$/);
  const unknown = await lifeline(['no-such-command']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown command 'no-such-command'/);
});

it('exits 2 on bad input to license preflight, and 0 after --help', async () => {
  const bad = await lifeline(['license', 'preflight', 'missing.gitlab-license']);
  assert.equal(bad.code, 2, bad.stderr);
  const help = await lifeline(['license', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Usage: lifeline license/);
});

it('ends quietly when the reader of its output goes away (`… | head -1`)', async () => {
  const child = spawn(process.execPath, ['bin/lifeline', 'users', 'list', '--json'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The reading end closed before the command writes: its first write fails with EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|at file:/);
});
