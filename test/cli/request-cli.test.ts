/**
 * `lifeline request …` as an engineer runs it (in-process, through bin/lifeline's own entry)
 * against a real `lifeline serve` process on the embedded default, and against a stand-in
 * answering "busy" to show the client waits as `Retry-After` asks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startScriptedServer, type ScriptedServer } from '../fakes/scripted-http-server.js';
import { runInProcess, type CliResult } from '../support/cli.js';
import { spawnLifeline, type LifelineProcess } from '../support/process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function lifeline(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runInProcess(args, { env: { ...process.env, LIFELINE_LOG_LEVEL: 'warn', ...env } });
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** `request create` for a Premium customer whose license expired `expiredDaysAgo` days ago. */
function createArgs(email: string, expiredDaysAgo: number): string[] {
  return [
    'request',
    'create',
    '--ticket-id',
    '4711',
    '--ticket-url',
    'https://support.example.com/agent/tickets/4711',
    '--email',
    email,
    '--users',
    '250',
    '--plan',
    'premium',
    '--expired-on',
    daysAgo(expiredDaysAgo),
    '--licensed-users',
    '240',
    '--maximum-users',
    '240',
    '--screenshots-attached',
  ];
}

describe('lifeline request, against a running service', () => {
  let dataDir: string;
  let service: LifelineProcess;
  let env: Record<string, string>;
  let dayShift: Record<string, string>;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lifeline-cli-'));
    const serviceEnv = { LIFELINE_DATA_DIR: dataDir, LIFELINE_JOB_POLL_MS: '50' };
    const token = await lifeline(
      // An approver: the resend below goes to another address than the request's own.
      ['tokens', 'create', '--name', 'night-shift', '--role', 'approver', '--json'],
      serviceEnv,
    );
    assert.equal(token.code, 0, token.stderr);
    const second = await lifeline(
      ['tokens', 'create', '--name', 'day-shift', '--role', 'approver', '--json'],
      serviceEnv,
    );
    assert.equal(second.code, 0, second.stderr);
    service = spawnLifeline(['serve'], { ...serviceEnv, LIFELINE_PORT: '0' });
    env = {
      LIFELINE_URL: await service.url,
      LIFELINE_TOKEN: (JSON.parse(token.stdout) as { token: string }).token,
    };
    dayShift = { ...env, LIFELINE_TOKEN: (JSON.parse(second.stdout) as { token: string }).token };
  });
  after(async () => {
    await service?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  let id: string;

  it('creates a request, waits for it, and prints the decision and the outcome', async () => {
    const run = await lifeline([...createArgs('admin@night.example', 16), '--wait'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Accepted: /m);
    assert.match(run.stdout, / ok {3}/);
    const match = /^Request (\S+): succeeded$/m.exec(run.stdout);
    assert.ok(match?.[1], run.stdout);
    id = match[1];
    const outbox = readdirSync(join(dataDir, 'outbox')).filter((name) => name.endsWith('.eml'));
    assert.equal(outbox.length, 1);
  });

  it('answers the same command run again with the same request', async () => {
    const run = await lifeline([...createArgs('admin@night.example', 16), '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { id: string }).id, id);
  });

  it('finds, shows and resends it', async () => {
    const list = await lifeline(['request', 'list', '--email', '@night.example', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const items = (JSON.parse(list.stdout) as { items: Array<{ id: string }> }).items;
    assert.deepEqual(
      items.map((item) => item.id),
      [id],
    );

    const show = await lifeline(['request', 'show', id, '--json'], env);
    assert.equal(show.code, 0, show.stderr);
    assert.equal((JSON.parse(show.stdout) as { state: string }).state, 'succeeded');

    const resend = await lifeline(
      ['request', 'resend', id, '--email', 'it@night.example', '--json'],
      env,
    );
    assert.equal(resend.code, 0, resend.stderr);
    assert.match(resend.stderr, /on its way to it@night\.example/);
    assert.equal((JSON.parse(resend.stdout) as { to: string }).to, 'it@night.example');
  });

  it('holds a request for approval; another approver approves or declines it with a reason', async () => {
    const held = createArgs('admin@held.example', 16).map((arg) => (arg === '250' ? '5000' : arg));
    const run = await lifeline([...held, '--wait'], env);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stdout, /^Waiting for approval: Needs approval by a second person: /m);
    assert.match(run.stdout, /^ {2}HOLD TYPED_EVIDENCE_ABOVE_SEATS: /m);
    assert.match(run.stdout, /approval {4}waiting for an approver other than night-shift until /);
    const heldId = /^Request (\S+): awaiting_approval$/m.exec(run.stdout)?.[1] ?? '';
    assert.ok(heldId, run.stdout);
    const heldShow = await lifeline(['request', 'show', heldId, '--wait'], env);
    assert.equal(heldShow.code, 3, heldShow.stderr);

    const own = await lifeline(['request', 'approve', heldId, '--reason', 'mine'], env);
    assert.equal(own.code, 1);
    assert.match(own.stderr, /You asked for this license, so you cannot approve it yourself/);
    const noReason = await lifeline(['request', 'approve', heldId], dayShift);
    assert.equal(noReason.code, 1);
    assert.match(noReason.stderr, /--reason/);
    const approved = await lifeline(
      ['request', 'approve', heldId, '--reason', 'Confirmed 5000 seats with the account team.'],
      dayShift,
    );
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stderr, /^Approved: request \S+ continues/m);
    const show = await lifeline(['request', 'show', heldId, '--wait'], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /: succeeded$/m);
    assert.match(
      show.stdout,
      /approval {4}approved by day-shift: Confirmed 5000 seats with the account team\./,
    );

    const other = createArgs('admin@held2.example', 16).map((arg) =>
      arg === '250' ? '5000' : arg === '4711' ? '4712' : arg,
    );
    const second = await lifeline([...other, '--json'], env);
    const secondId = (JSON.parse(second.stdout) as { id: string }).id;
    const declined = await lifeline(
      ['request', 'decline', secondId, '--reason', 'Ask for the license file.', '--json'],
      dayShift,
    );
    assert.equal(declined.code, 0, declined.stderr);
    assert.deepEqual(JSON.parse(declined.stdout), {
      id: secondId,
      state: 'rejected',
      verdict: 'declined',
    });
  });

  it('says there is nothing to retry on a request that succeeded', async () => {
    const run = await lifeline(['request', 'retry', id], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^lifeline: .+\(NOTHING_TO_RETRY\)$/m);
  });

  it('records the renewal, refusing a file that is not one, and never extends the requester’s own', async () => {
    const neither = await lifeline(['request', 'renew', id], env);
    assert.equal(neither.code, 1);
    assert.match(neither.stderr, /give either --license-file PATH or --reason TEXT/);

    const notRenewal = await lifeline(
      [
        'request',
        'renew',
        id,
        '--license-file',
        join(root, 'test/fixtures/gitlab-license/expired-trial-100.gitlab-license'),
      ],
      env,
    );
    assert.equal(notRenewal.code, 1);
    assert.match(notRenewal.stderr, /\(RENEWAL_REFUSED\)$/m);

    const extend = await lifeline(['request', 'extend', id, '--reason', 'Renewal is late'], env);
    assert.equal(extend.code, 1);
    assert.match(extend.stderr, /another approver must extend it/);

    // Another approver: the worker signs it; --wait follows it until the license is made.
    const extended = await lifeline(
      ['request', 'extend', id, '--reason', 'Renewal PO is late', '--users', '260', '--wait'],
      dayShift,
    );
    assert.equal(extended.code, 0, extended.stderr);
    assert.match(
      extended.stderr,
      /^Extended: license 2 of this request, 260 users, expires at 00:00 on \d{4}-\d\d-\d\d \(server time\)/m,
    );
    const again = await lifeline(
      ['request', 'extend', id, '--reason', 'Still late', '--json'],
      dayShift,
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already extended once \(LIFELINE_EXTENSIONS_MAX = 1\)/);

    const marked = await lifeline(
      ['request', 'renew', id, '--reason', 'Renewed by phone, order 123'],
      env,
    );
    assert.equal(marked.code, 0, marked.stderr);
    assert.match(marked.stderr, /Renewal marked done/);
    const show = await lifeline(['request', 'show', id], env);
    assert.match(show.stdout, /^ {2}cover {7}renewed: Renewed by phone, order 123$/m);
  });

  it('exits 2 with GitLab’s seat refusal and the smallest count it accepts', async () => {
    const args = createArgs('admin@peak.example', 16);
    args[args.indexOf('--maximum-users') + 1] = '300';
    const run = await lifeline(args, env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stdout,
      /FAIL seats: GitLab would refuse 250 users: “During the year before this license started, this GitLab installation had 300 active users/,
    );
    assert.match(run.stdout, /try {2}--users 273: the smallest count GitLab accepts/);

    // Shown later, the rejected request still says why, rule by rule.
    const rejectedId = /^Request (\S+)$/m.exec(run.stdout)?.[1] ?? '';
    const show = await lifeline(['request', 'show', rejectedId], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^Request \S+: rejected$/m);
    assert.match(show.stdout, /^ {2}created {5}\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/m);
    assert.match(show.stdout, /^ {4}FAIL seats: GitLab would refuse 250 users/m);
    // Waited on, it ends as create --wait does: 2 for a rejection.
    const waited = await lifeline(['request', 'show', rejectedId, '--wait'], env);
    assert.equal(waited.code, 2, waited.stderr);
  });

  it('refuses a count that is not written in digits, before anything is sent', async () => {
    for (const [option, value] of [
      ['--users', '0x10'],
      ['--users', '1e3'],
      ['--users', ''],
      ['--maximum-users', '24O'],
    ] as const) {
      const args = createArgs('digits@cli-counts.example', 16);
      args[args.indexOf(option) + 1] = value;
      const result = await lifeline([...args, '--json'], env);
      assert.equal(result.code, 1, `${option} ${value}: ${result.stdout}`);
      assert.match(result.stderr, new RegExp(`${option} must be a whole number written in digits`));
    }
    const huge = createArgs('digits@cli-counts.example', 16);
    huge[huge.indexOf('--users') + 1] = '99999999999';
    const tooMany = await lifeline(huge, env);
    assert.equal(tooMany.code, 1);
    assert.match(
      tooMany.stderr,
      /--users 99999999999 is far above any user count a license can hold/,
    );
    const listed = await lifeline(
      ['request', 'list', '--email', 'digits@cli-counts.example', '--json'],
      env,
    );
    assert.deepEqual(JSON.parse(listed.stdout).items, [], 'no request was made');
  });

  it('exits 2 with the failing rule when the policy rejects', async () => {
    // Expired 5 days ago: still in the 14-day grace period, a regular renewal.
    const run = await lifeline(createArgs('admin@early.example', 5), env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stdout, /^Rejected: /m);
    assert.match(run.stdout, /FAIL .*still in grace/i);
  });

  it('names the setting to fix without a token, and the address when nothing answers', async () => {
    const noToken = await lifeline(['request', 'list'], { LIFELINE_URL: env.LIFELINE_URL ?? '' });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /set LIFELINE_TOKEN/);

    const nowhere = await lifeline(['request', 'list'], {
      ...env,
      LIFELINE_URL: 'http://127.0.0.1:9',
    });
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /cannot reach Lifeline at http:\/\/127\.0\.0\.1:9/);
  });

  it('takes a token pasted with its line break, and names a bad token or address as such', async () => {
    const pasted = await lifeline(['request', 'list', '--json'], {
      ...env,
      LIFELINE_TOKEN: `${env.LIFELINE_TOKEN ?? ''}\n`,
    });
    assert.equal(pasted.code, 0, pasted.stderr);
    const spaced = await lifeline(['request', 'list'], {
      ...env,
      LIFELINE_TOKEN: `${env.LIFELINE_TOKEN ?? ''} x`,
    });
    assert.equal(spaced.code, 1);
    assert.match(spaced.stderr, /LIFELINE_TOKEN holds a space, a line break/);
    assert.doesNotMatch(spaced.stderr, /cannot reach/);
    const noScheme = await lifeline(['request', 'list'], {
      ...env,
      LIFELINE_URL: '127.0.0.1:8080',
    });
    assert.equal(noScheme.code, 1);
    assert.match(noScheme.stderr, /LIFELINE_URL must be the service’s address with http:\/\//);
  });
});

describe('lifeline request, when the service is busy', () => {
  let busy: ScriptedServer;
  const accepted = {
    id: 'req_busy',
    state: 'queued',
    decision: { eligible: true, summary: 'Eligible.', rules: [], warnings: [] },
  };

  before(async () => {
    busy = await startScriptedServer(
      () => ({ status: 202, json: accepted }),
      () => ({
        error: {
          code: 'NOT_READY',
          message: 'The service is busy right now; try again in a second.',
        },
      }),
    );
  });
  after(() => busy?.stop());

  it('waits as Retry-After asks and sends the same submission again', async () => {
    busy.requests.length = 0;
    busy.failNext(503, { retryAfter: 1 });
    const started = Date.now();
    const run = await lifeline(createArgs('admin@busy.example', 16), {
      LIFELINE_URL: busy.url,
      LIFELINE_TOKEN: 'llt_test',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /busy \(503\); trying again in 1 s/);
    assert.ok(Date.now() - started >= 1000, 'it waited the second Retry-After asked for');
    assert.equal(busy.requests.length, 2);
    assert.equal(busy.requests[0]?.text, busy.requests[1]?.text);
    assert.match(run.stdout, /^Request req_busy$/m);
  });

  it("gives up after five attempts with the service's own message", async () => {
    busy.requests.length = 0;
    busy.failNext(503, { retryAfter: 0 }, 5);
    const run = await lifeline(['request', 'list'], {
      LIFELINE_URL: busy.url,
      LIFELINE_TOKEN: 'llt_test',
    });
    assert.equal(run.code, 1);
    assert.equal(busy.requests.length, 5);
    assert.match(run.stderr, /lifeline: The service is busy right now; .+\(NOT_READY\)/);
  });
});
