/**
 * A tiny seeded chaos run (`npm run chaos`), end to end, on SQLite and on PostgreSQL: workers
 * killed, every remote hung and refused, the disk filled (as root), on PostgreSQL a worker five
 * minutes fast; afterwards nothing is lost, nothing licensed or emailed twice, nothing left
 * unfinished, and the last line printed is the JSON of the figures.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const adminUrl = process.env.LIFELINE_TEST_DATABASE_URL;

function chaos(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/chaos/run.ts',
      '--seed',
      '7',
      '--requests',
      '12',
      '--duration',
      '12',
      ...args,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

const databases: Array<[string, string[]]> = [
  ['sqlite', ['--sqlite']],
  ...(adminUrl ? [['postgres', ['--database', adminUrl]] as [string, string[]]] : []),
];

for (const [name, args] of databases) {
  describe(`a short chaos run (${name})`, { timeout: 240_000 }, () => {
    it('loses nothing and sends nothing twice', async () => {
      const { code, stdout, stderr } = await chaos(args);
      const lines = stdout.trim().split('\n');
      const figures = JSON.parse(lines.at(-1) ?? '') as Record<string, number>;
      assert.deepEqual(Object.keys(figures), [
        'requests',
        'lost',
        'duplicateLicenses',
        'duplicateEmails',
        'emailsAfterCrash',
        'emailsAfterLostAnswer',
        'duplicateNotices',
        'noticesAfterCrash',
        'duplicateNotes',
        'notesAfterCrash',
        'unfinished',
        'seconds',
        'approvedAfterRecovery',
      ]);
      const {
        seconds,
        emailsAfterCrash,
        emailsAfterLostAnswer,
        noticesAfterCrash,
        notesAfterCrash,
        approvedAfterRecovery,
        ...rest
      } = figures;
      assert.deepEqual(
        rest,
        {
          requests: 12,
          lost: 0,
          duplicateLicenses: 0,
          duplicateEmails: 0,
          duplicateNotices: 0,
          duplicateNotes: 0,
          unfinished: 0,
        },
        stderr.slice(-6_000),
      );
      for (const count of [
        emailsAfterCrash,
        emailsAfterLostAnswer,
        noticesAfterCrash,
        notesAfterCrash,
      ])
        assert.ok(count! >= 0);
      assert.ok(approvedAfterRecovery! >= 0 && seconds! > 0);
      assert.equal(code, 0, stderr.slice(-3_000));
      // The schedule really did put the faults on the service.
      assert.match(stderr, /SIGKILL worker/);
      assert.match(stderr, /smtp hangs/);
      assert.match(stderr, /zendesk refuses/);
      if (name === 'postgres') assert.match(stderr, /a worker 300 s fast joins/);
    });
  });
}
