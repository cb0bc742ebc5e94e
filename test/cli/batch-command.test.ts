/**
 * `lifeline batch` against a running service: a dry run, a run (license files read next to the
 * CSV) that waits for the end and prints the batch as JSON, then `show` and `list`.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { clockOnDay } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';
import { runInProcess } from '../support/cli.js';
import { fixtureDay } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';

const fixture = fileURLToPath(
  new URL('../fixtures/gitlab-license/expired-premium-480.gitlab-license', import.meta.url),
);

describe('lifeline batch', { timeout: 120_000 }, () => {
  let lifeline: TestService;
  const work = mkdtempSync(join(tmpdir(), 'lifeline-batch-cli-'));
  before(async () => {
    lifeline = await startTestService({}, { clock: clockOnDay(calendarDate(fixtureDay)) });
  });
  after(async () => {
    await lifeline.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const run = (args: string[]) =>
    runInProcess(args, {
      env: { ...process.env, LIFELINE_URL: lifeline.url, LIFELINE_TOKEN: lifeline.tokens.approver },
    });

  it('checks, runs, shows and lists a batch as JSON', async () => {
    copyFileSync(fixture, join(work, 'acme.gitlab-license'));
    const file = join(work, 'outage.csv');
    writeFileSync(
      file,
      [
        'ticket_id,ticket_url,customer_email,user_count,maximum_users,license_file,note',
        '8101,https://support.example.com/agent/tickets/8101,ops@acme-cli.example,500,480,acme.gitlab-license,from the file',
        '8102,https://support.example.com/agent/tickets/8102,ops@other-cli.example,500,480,acme.gitlab-license,',
      ].join('\n'),
    );
    const dry = await run(['batch', 'issue', file, '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    const preview = JSON.parse(dry.stdout) as {
      dryRun: boolean;
      summary: { rows: number; eligible: number };
      findings: { kind: string; rows: number[] }[];
    };
    assert.equal(preview.dryRun, true);
    assert.equal(preview.summary.rows, 2);
    // One license file for two addresses: the same licensee, so the same customer.
    assert.deepEqual(
      preview.findings.map((f) => [f.kind, f.rows]),
      [['same_customer', [2, 3]]],
    );

    const noReason = await run(['batch', 'issue', file, '--json']);
    assert.equal(noReason.code, 1);
    assert.match(noReason.stderr, /--reason is required/);

    const issued = await run(['batch', 'issue', file, '--reason', 'billing is down', '--json']);
    assert.equal(issued.code, 0, issued.stderr);
    const batch = JSON.parse(issued.stdout) as {
      id: string;
      state: string;
      fileName: string;
      counts: { issued: number; awaitingApproval: number };
    };
    assert.equal(batch.state, 'finished');
    assert.equal(batch.fileName, 'outage.csv');
    assert.deepEqual([batch.counts.issued, batch.counts.awaitingApproval], [1, 1]);
    assert.doesNotMatch(issued.stderr, /\[/, 'no progress bar when stderr is not a terminal');

    const shown = await run(['batch', 'show', batch.id, '--json']);
    assert.equal((JSON.parse(shown.stdout) as { id: string }).id, batch.id);
    const listed = await run(['batch', 'list', '--json']);
    assert.equal((JSON.parse(listed.stdout) as { items: { id: string }[] }).items[0]?.id, batch.id);
    const text = await run(['batch', 'show', batch.id]);
    assert.match(text.stdout, /2 rows: 1 issued, 1 awaiting approval/);
  });

  it('reads license files only from the batch file’s folder, and names one that is missing', async () => {
    const folder = mkdtempSync(join(work, 'batch-'));
    writeFileSync(join(work, 'secret.txt'), 'SECRET-CONTENT');
    symlinkSync(join(work, 'secret.txt'), join(folder, 'linked.gitlab-license'));
    linkSync(join(work, 'secret.txt'), join(folder, 'hard.gitlab-license'));
    mkdirSync(join(folder, 'a-folder'));
    const header = 'ticket_id,ticket_url,customer_email,user_count,maximum_users,license_file';
    const row = (cell: string) =>
      `8201,https://support.example.com/agent/tickets/8201,ops@acme-paths.example,500,480,${cell}`;
    for (const [cell, said] of [
      ['../secret.txt', /is outside the batch file's folder/],
      [join(work, 'secret.txt'), /is outside the batch file's folder/],
      ['linked.gitlab-license', /is outside the batch file's folder/],
      ['missing.gitlab-license', /was not found in the batch file's folder/],
      ['hard.gitlab-license', /is also linked from elsewhere \(a hard link\)/],
      ['a-folder', /is not a file/],
    ] as const) {
      const file = join(folder, 'outage.csv');
      writeFileSync(file, [header, row(cell)].join('\n'));
      const dry = await run(['batch', 'issue', file, '--dry-run', '--json']);
      assert.equal(dry.code, 1, `${cell}: ${dry.stdout}`);
      assert.match(dry.stderr, said, cell);
      assert.doesNotMatch(dry.stdout + dry.stderr, /SECRET-CONTENT/);
    }
  });
});
