/**
 * The pipeline with every outside system configured at once: SMTP (a real in-process SMTP
 * server), GitLab, Slack and Zendesk (local HTTP servers speaking their documented contracts),
 * through the service's real adapters. Outages are retried, and never lose the request or mint
 * a second license.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clockOnDay } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';
import type { FakeGitLab } from '../fakes/gitlab-server.js';
import { fakeRemotesEnv, startFakeRemotes, type FakeRemotes } from '../fakes/remote-env.js';
import type { FakeSlack } from '../fakes/slack-server.js';
import type { FakeSmtpServer } from '../fakes/smtp-server.js';
import type { FakeZendesk } from '../fakes/zendesk-server.js';
import { fixtureDay, screenshotBody } from '../support/requests.js';
import {
  eventually,
  startTestService,
  testSigningKeyFile,
  type TestService,
} from '../support/service.js';
import { runInProcess } from '../support/cli.js';
import { testDatabases } from '../support/databases.js';

/** Two screenshots on the ticket, as the evidence check now wants with Zendesk configured. */
function screenshotsOn(zendesk: FakeZendesk, body: ReturnType<typeof screenshotBody>) {
  const png = Buffer.from('89504e470d0a1a0a', 'hex');
  zendesk.attach(Number(body.ticket.id), [
    { fileName: 'dashboard.png', contentType: 'image/png', content: png },
    { fileName: 'subscription.png', contentType: 'image/png', content: png },
  ]);
  return body;
}

for (const database of testDatabases) {
  describe(`real delivery: SMTP, GitLab, Slack and Zendesk together (${database.name})`, () => {
    let smtp: FakeSmtpServer;
    let gitlab: FakeGitLab;
    let slack: FakeSlack;
    let zendesk: FakeZendesk;
    const shotsBody = (...args: Parameters<typeof screenshotBody>) =>
      screenshotsOn(zendesk, screenshotBody(...args));
    let remotes: FakeRemotes;
    let lifeline: TestService;
    let env: Record<string, string>;

    before(async () => {
      remotes = await startFakeRemotes();
      ({ smtp, gitlab, slack, zendesk } = remotes);
      env = {
        ...fakeRemotesEnv(remotes, { slackChannel: 'C0LIFELINE1' }),
        LIFELINE_PUBLIC_URL: 'https://lifeline.vendor.example',
      };
      lifeline = await startTestService(env, {
        clock: clockOnDay(calendarDate(fixtureDay)),
        database,
      });
    });
    after(async () => {
      await lifeline.stop();
      await remotes.stop();
    });

    const settled = (id: string, channels = ['email', 'tracker', 'notice', 'ticket']) =>
      eventually(
        async () => {
          const { body } = await lifeline.api(`/api/v1/requests/${id}`);
          const states = new Map(
            (body.deliveries as Array<{ medium: string; state: string }>).map((d) => [
              d.medium,
              d.state,
            ]),
          );
          const done =
            ['succeeded', 'failed'].includes(body.state) &&
            channels.every((c) => ['delivered', 'failed'].includes(states.get(c) ?? ''));
          return done && body.trackerIssue?.upToDate ? body : undefined;
        },
        20_000,
        `request ${id} to settle`,
      );

    it('emails the license, closes a confidential GitLab issue, posts to Slack and notes the ticket', async () => {
      const body = shotsBody(
        {},
        {
          customerEmail: 'admin@all-four.example',
          userCount: 320,
          ticket: { id: '4711', url: `${zendesk.url}/agent/tickets/4711` },
        },
      );
      const created = await lifeline.api('/api/v1/requests', { body });
      assert.equal(created.status, 202);
      const request = await settled(created.body.id);
      assert.equal(request.state, 'succeeded');

      const mails = smtp.messages.filter(
        (m) => m.headers.get('x-lifeline-request') === created.body.id,
      );
      assert.equal(mails.length, 1);
      assert.equal(
        mails[0]?.attachments[0]?.content.toString('utf8').startsWith('eyJkYXRhIjoi'),
        true,
      );

      const issues = gitlab.issues.filter((i) => i.description?.includes(created.body.id));
      assert.equal(issues.length, 1, 'one GitLab issue');
      assert.equal(
        issues[0]?.title,
        '[Success] - Created a license under admin@all-four.example for 320 users',
      );
      assert.equal(issues[0]?.state, 'closed');
      assert.equal(issues[0]?.confidential, true);
      assert.ok(issues[0]?.labels.includes('emergency-license'));
      assert.match(issues[0]?.description ?? '', /eyJkYXRhIjoi/);
      assert.equal(request.trackerIssue.url, issues[0]?.web_url);

      const notice = slack.messages.find((m) => m.text?.includes(body.ticket.url));
      assert.ok(notice, 'the notice carries the ticket URL');
      assert.equal(notice.channel, 'C0LIFELINE1');

      const ticket = zendesk.tickets.get(4711);
      assert.ok(ticket);
      const note = ticket.comments.at(-1);
      assert.equal(note?.public, false);
      assert.match(note?.body ?? '', /320/);
      assert.ok(ticket.tags.includes('emergency_license_issued'));
      assert.ok(ticket.tags.includes('weekend_emergency'), 'other tags are kept');
    });

    it('posts a notice once when Slack took the first attempt but its answer was lost', async () => {
      slack.takeAndFailNext(500);
      const created = await lifeline.api('/api/v1/requests', {
        body: shotsBody({}, { customerEmail: 'it@lost-answer.example' }),
      });
      const request = await settled(created.body.id);
      const notice = (
        request.deliveries as Array<{ medium: string; state: string; attempts: number }>
      ).find((d) => d.medium === 'notice');
      assert.equal(notice?.state, 'delivered');
      assert.equal(notice?.attempts, 2, 'one attempt whose answer was lost, then found');
      const posted = slack.messages.filter((m) => {
        const metadata = m.fields.metadata as { event_payload?: Record<string, unknown> };
        return metadata?.event_payload?.request_id === created.body.id;
      });
      assert.equal(posted.length, 1, 'exactly one notice in the channel');
    });

    it('retries a 450 from the mail server and then delivers', async () => {
      smtp.failNext(450, 'Mailbox busy, try again', 2);
      const created = await lifeline.api('/api/v1/requests', {
        body: shotsBody({}, { customerEmail: 'ops@greylisted.example' }),
      });
      const request = await settled(created.body.id);
      assert.equal(request.state, 'succeeded');
      const email = (request.deliveries as Array<{ medium: string; attempts: number }>).find(
        (d) => d.medium === 'email',
      );
      assert.equal(email?.attempts, 3);
    });

    it('fails at once on a 550, and leaves the GitLab issue open with the server reply', async () => {
      smtp.failNext(550, 'No such user here', 1);
      const created = await lifeline.api('/api/v1/requests', {
        body: shotsBody(
          {},
          {
            customerEmail: 'ghost@bounced.example',
            ticket: { id: '4712', url: `${zendesk.url}/agent/tickets/4712` },
          },
        ),
      });
      const request = await settled(created.body.id);
      assert.equal(request.state, 'failed');
      assert.equal(request.failure.step, 'send_email');
      assert.match(request.failure.message, /550|No such user/);
      const issue = gitlab.issues.find((i) => i.description?.includes(created.body.id));
      assert.equal(issue?.state, 'opened');
      assert.equal(
        issue?.title,
        '[Failure] - Could not create a license under ghost@bounced.example for 500 users',
      );
      assert.match(issue?.description ?? '', /No such user/);
      assert.doesNotMatch(
        issue?.description ?? '',
        /eyJkYXRhIjoi/,
        'no license copy on a failed issue',
      );
      const failNotice = slack.messages.find(
        (m) =>
          m.text?.includes(created.body.id) ||
          JSON.stringify(m.blocks).includes('ghost@bounced.example'),
      );
      assert.ok(failNotice, 'the licensing team hears of the failure');

      // To another address than the request's own: an approver's call.
      const resend = await lifeline.api(`/api/v1/requests/${created.body.id}/resend`, {
        token: lifeline.tokens.approver,
        body: { email: 'admin@bounced.example' },
      });
      assert.equal(resend.status, 202);
      const retried = await lifeline.api(`/api/v1/requests/${created.body.id}/retry`, {
        method: 'POST',
      });
      assert.equal(retried.status, 202);
      assert.deepEqual(retried.body.retried, ['send_email']);
      const after = await settled(created.body.id);
      assert.equal(after.state, 'succeeded');
      const licenses = await lifeline.service.store.db
        .selectFrom('licenses')
        .select('id')
        .where('request_id', '=', created.body.id)
        .execute();
      assert.equal(licenses.length, 1, 'retry and resend never mint a second license');
    });

    it('waits out a GitLab 429 with Retry-After and a Slack outage', async () => {
      gitlab.failNext(429, { retryAfter: 1 }, 1);
      slack.failNext(500, {}, 3);
      const created = await lifeline.api('/api/v1/requests', {
        body: shotsBody({}, { customerEmail: 'it@outage.example' }),
      });
      const request = await eventually(async () => {
        const { body } = await lifeline.api(`/api/v1/requests/${created.body.id}`);
        return body.state === 'succeeded' && body.trackerIssue?.state === 'closed'
          ? body
          : undefined;
      }, 20_000);
      assert.equal(request.state, 'succeeded');
      const notice = await eventually(async () => {
        const { body: latest } = await lifeline.api(`/api/v1/requests/${created.body.id}`);
        const found = (
          latest.deliveries as Array<{ medium: string; state: string; attempts: number }>
        ).find((d) => d.medium === 'notice');
        return found?.state === 'delivered' ? found : undefined;
      });
      assert.equal(notice.attempts, 4, 'three failed posts, then the notice went through');
      assert.ok(
        smtp.messages.some((m) => m.headers.get('x-lifeline-request') === created.body.id),
        'the license went out',
      );
      const limited = gitlab.requests.filter((r) => r.scriptedStatus === 429);
      assert.ok(limited.length >= 1);
    });

    it('lifeline doctor passes with every system reachable, and names the setting to fix when one is not', async () => {
      // In this process, as the fake servers are: they keep answering while it checks them.
      const doctor = async (extra: Record<string, string>, ...args: string[]) => {
        const run = await runInProcess(['doctor', ...args], {
          env: {
            ...process.env,
            ...env,
            LIFELINE_DATA_DIR: lifeline.dataDir,
            LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
            ...extra,
          },
        });
        return { status: run.code, stdout: run.stdout, stderr: run.stderr };
      };
      const ok = await doctor({}, '--json', '--send-test-to', 'oncall@vendor.example');
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      const report = JSON.parse(ok.stdout) as {
        ok: boolean;
        checks: Array<{ name: string; ok: boolean }>;
      };
      assert.equal(report.ok, true);
      assert.ok(report.checks.length >= 7);
      assert.ok(
        smtp.messages.some((m) => m.envelope.rcptTo.includes('oncall@vendor.example')),
        'the test message arrived',
      );
      const broken = await doctor({ GITLAB_TOKEN: 'glpat-wrong-token-000' });
      assert.equal(broken.status, 1);
      assert.match(broken.stdout, /FAIL/);
      assert.match(broken.stdout, /GITLAB_TOKEN/);
      assert.doesNotMatch(broken.stdout, /glpat-wrong-token-000/);
    });
  });
}
