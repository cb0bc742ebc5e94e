/**
 * The hand-off and the audit head through a real service (SQLite, whose clock is the process's:
 * the clock jumps, nothing sleeps): on its schedule, to a Slack that speaks Slack's contract and
 * an SMTP server; on demand through the API and `lifeline handoff --json`; and the posted head
 * checked back with `lifeline audit verify --head`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startSlackServer, type FakeSlack } from '../fakes/slack-server.js';
import { startFakeSmtpServer } from '../fakes/smtp-server.js';
import { runInProcess } from '../support/cli.js';
import { stillClock } from '../support/still-clock.js';
import { eventually, startTestService, type TestService } from '../support/service.js';
import { addWeekend } from './handoff-fixtures.js';

function lifeline(args: string[], env: Record<string, string>) {
  return runInProcess(args, { env: { ...process.env, LIFELINE_LOG_LEVEL: 'warn', ...env } });
}

describe('the hand-off and the audit head, scheduled and on demand', () => {
  const clock = stillClock('2026-11-23T09:00:00Z');
  let slack: FakeSlack;
  let smtp: Awaited<ReturnType<typeof startFakeSmtpServer>>;
  let service: TestService;
  let ids: Awaited<ReturnType<typeof addWeekend>>;

  const handoffs = () => slack.messages.filter((m) => m.text?.startsWith('Lifeline hand-off'));
  const heads = () => slack.messages.filter((m) => m.text?.startsWith('Lifeline audit log head'));
  const allText = (message: { blocks: unknown[] | undefined }) =>
    JSON.stringify(message.blocks ?? []);

  before(async () => {
    [slack, smtp] = await Promise.all([startSlackServer(), startFakeSmtpServer()]);
    service = await startTestService(
      {
        ...fakeRemotesEnv({ slack, smtp }),
        LIFELINE_HANDOFF_EMAILS: 'licensing@vendor.example, lead@vendor.example',
        LIFELINE_HANDOFF_SCHEDULE: '0 8 * * 1',
        LIFELINE_AUDIT_HEAD_SCHEDULE: '0 6 * * *',
      },
      { clock },
    );
    // At start the scheduler catches up the latest occurrences: Monday 23rd 08:00, 06:00 today.
    await eventually(
      () => Promise.resolve(handoffs().length === 1 && heads().length === 1 ? true : undefined),
      10_000,
      'the catch-up hand-off and head',
    );
  });
  after(async () => {
    await service.stop();
    await Promise.all([slack.stop(), smtp.stop()]);
  });

  it('posts Monday’s digest of the week since the last one, and emails each address once', async () => {
    ids = await addWeekend(service.service.store);
    clock.set('2026-11-30T08:00:30Z');
    await service.service.scheduler?.tick();
    await eventually(
      () => Promise.resolve(handoffs().length === 2 ? true : undefined),
      10_000,
      'the Monday hand-off',
    );
    const monday = handoffs()[1];
    assert.match(
      monday?.text ?? '',
      /2026-11-23 08:00 UTC to 2026-11-30 08:00 UTC: 4 requests, 1 failed, 1 waiting, 1 ending soon/,
    );
    const text = allText(monday ?? { blocks: [] });
    for (const ticket of ['#1001', '#1002', '#1003', '#1004', '#800'])
      assert.ok(text.includes(ticket), ticket);
    assert.ok(!text.includes('#900'), 'last week’s request is not in this digest');
    assert.ok(!text.includes('<script>'));

    const mails = await smtp.waitForMessages(4); // two per digest: the catch-up one and Monday's
    const mondayMails = mails.filter((m) => m.subject?.includes('to 2026-11-30 08:00 UTC'));
    assert.deepEqual(mondayMails.flatMap((m) => m.envelope.rcptTo).sort(), [
      'lead@vendor.example',
      'licensing@vendor.example',
    ]);
    assert.match(mondayMails[0]?.text ?? '', /ticket #1002 Globex · 250 seats · by sam · failed/);

    // A second tick in the same minute (another process, say) sends nothing more.
    await service.service.scheduler?.tick();
    const audit = await service.api('/api/v1/audit?action=handoff.sent', {
      token: service.tokens.approver,
    });
    assert.equal(audit.body.items.length, 2);
    assert.equal(handoffs().length, 2);

    // The job is marked succeeded just after its audit entry: wait for it.
    const metrics = await eventually(
      async () => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        return text.includes('schedule="handoff",state="succeeded"') ? text : undefined;
      },
      10_000,
      'the hand-off job to be settled',
    );
    // Next Monday 7 December 08:00 UTC; the last, today's, succeeded.
    assert.match(
      metrics,
      new RegExp(
        `lifeline_schedule_next_run_timestamp_seconds\\{schedule="handoff"\\} ${Date.parse('2026-12-07T08:00:00Z') / 1000}`,
      ),
    );
    assert.match(
      metrics,
      new RegExp(
        `lifeline_schedule_last_run_timestamp_seconds\\{schedule="handoff",state="succeeded"\\} ${Date.parse('2026-11-30T08:00:00Z') / 1000}`,
      ),
    );
  });

  it('answers the same digest on demand to approvers only, and refuses a bad period with a sentence', async () => {
    const asked = await service.api('/api/v1/handoff?since=2026-11-23T08:00:00Z', {
      token: service.tokens.approver,
    });
    assert.equal(asked.status, 200);
    assert.deepEqual(
      (asked.body.requests as Array<{ id: string }>).map((r) => r.id),
      [ids.issued, ids.failed, ids.waiting, ids.rejected],
    );
    assert.equal(asked.body.needsPerson.waiting[0].state, 'awaiting_approval');
    // Without since: from the last digest sent (08:00 today), so nothing new yet.
    const sinceLast = await service.api('/api/v1/handoff', { token: service.tokens.approver });
    assert.equal(sinceLast.body.since, '2026-11-30T08:00:00.000Z');
    assert.deepEqual(sinceLast.body.requests, []);
    const engineer = await service.api('/api/v1/handoff');
    assert.equal(engineer.status, 403);
    const wrong = await service.api('/api/v1/handoff?since=soon', {
      token: service.tokens.approver,
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error.message, /since must be a duration such as 3d/);
  });

  it('prints it with lifeline handoff --json, from the database', async () => {
    const env = { LIFELINE_DATA_DIR: service.dataDir };
    const run = await lifeline(
      ['handoff', '--at', '2026-11-30T09:00:00Z', '--since', '7d', '--json'],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const digest = JSON.parse(run.stdout) as { since: string; requests: Array<{ id: string }> };
    assert.equal(digest.since, '2026-11-23T09:00:00.000Z');
    assert.deepEqual(
      digest.requests.map((r) => r.id),
      [ids.issued, ids.failed, ids.waiting, ids.rejected],
    );
    const wrong = await lifeline(['handoff', '--since', 'later'], env);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /--since must be a duration/);
  });

  it('posts the audit head daily, and audit verify --head checks the database against it', async () => {
    await eventually(
      () => Promise.resolve(heads().length === 2 ? true : undefined),
      10_000,
      'the head of 30 November',
    );
    const posted = /verify --head (\d+):([0-9a-f]{64})/.exec(allText(heads()[1] ?? { blocks: [] }));
    assert.ok(posted, 'the head names its entry and hash');
    const env = { LIFELINE_DATA_DIR: service.dataDir };
    const good = await lifeline(['audit', 'verify', '--head', `${posted[1]}:${posted[2]}`], env);
    assert.equal(good.code, 0, good.stderr);
    assert.match(
      good.stdout + good.stderr,
      new RegExp(`posted head \\(entry ${posted[1]}\\) is part of it`),
    );
    const rewritten = await lifeline(
      ['audit', 'verify', '--head', `${posted[1]}:${'f'.repeat(64)}`],
      env,
    );
    assert.equal(rewritten.code, 1);
    assert.match(rewritten.stderr, /the posted head does not match: entry \d+ has hash/);
  });
});
