/**
 * Secrets stay secret: the signing key, API tokens, the SMTP password and the GitLab, Slack and
 * Zendesk tokens never appear in logs (at debug level), API answers, tracker issues, notices,
 * ticket notes or emails, even when those systems refuse them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clockOnDay } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';
import type { FakeGitLab } from '../fakes/gitlab-server.js';
import { fakeRemotesEnv, startFakeRemotes, type FakeRemotes } from '../fakes/remote-env.js';
import type { FakeSlack } from '../fakes/slack-server.js';
import type { FakeSmtpServer } from '../fakes/smtp-server.js';
import type { FakeZendesk } from '../fakes/zendesk-server.js';
import { eligibleBody, fixtureDay, screenshotBody } from '../support/requests.js';
import {
  eventually,
  startTestService,
  testSigningKeyFile,
  type TestService,
} from '../support/service.js';
import { testDatabases } from '../support/databases.js';

const smtpPassword = 'smtp-Pa55word-that-must-not-leak';

for (const database of testDatabases) {
  describe(`secrets never leak (${database.name})`, () => {
    let smtp: FakeSmtpServer;
    let gitlab: FakeGitLab;
    let slack: FakeSlack;
    let zendesk: FakeZendesk;
    let remotes: FakeRemotes;
    let lifeline: TestService;
    let logs = '';
    const answers: string[] = [];

    before(async () => {
      const smtpAuth = { user: 'lifeline', pass: smtpPassword };
      remotes = await startFakeRemotes({ smtp: { auth: smtpAuth } });
      ({ smtp, gitlab, slack, zendesk } = remotes);
      lifeline = await startTestService(
        { ...fakeRemotesEnv(remotes, { smtpAuth }), LIFELINE_LOG_LEVEL: 'debug' },
        {
          clock: clockOnDay(calendarDate(fixtureDay)),
          logs: { write: (line) => void (logs += line) },
          database,
        },
      );
    });
    after(async () => {
      await lifeline.stop();
      await remotes.stop();
    });

    it('keeps every secret out of what people and logs see, through successes and refusals', async () => {
      const track = async (path: string, init?: Parameters<TestService['api']>[1]) => {
        const answer = await lifeline.api(path, init);
        answers.push(JSON.stringify(answer.body));
        return answer;
      };
      const png = Buffer.from('89504e470d0a1a0a', 'hex');
      zendesk.attach(4711, [
        { fileName: 'dashboard.png', contentType: 'image/png', content: png },
        { fileName: 'subscription.png', contentType: 'image/png', content: png },
      ]);
      const ok = await track('/api/v1/requests', {
        body: screenshotBody(
          {},
          {
            customerEmail: 'admin@secret-keeping.example',
            ticket: { id: '4711', url: `${zendesk.url}/agent/tickets/4711` },
          },
        ),
      });
      assert.equal(ok.status, 202);
      await eventually(async () => {
        const { body } = await track(`/api/v1/requests/${ok.body.id}`);
        return body.deliveries.every((d: { state: string }) => d.state === 'delivered') &&
          body.trackerIssue?.upToDate
          ? body
          : undefined;
      });

      // Now every outside system refuses our credentials.
      gitlab.failNext(401, {}, 3);
      slack.failNext(200, { body: { ok: false, error: 'invalid_auth' } }, 3);
      zendesk.failNext(401, {}, 3);
      smtp.failNext(535, 'Authentication credentials invalid', 1, 'mail');
      // A license file as the evidence: the ticket is not read before the decision.
      const refused = await track('/api/v1/requests', {
        body: eligibleBody({
          customerEmail: 'admin@refused.example',
          ticket: { id: '4712', url: `${zendesk.url}/agent/tickets/4712` },
        }),
      });
      await eventually(async () => {
        const { body } = await track(`/api/v1/requests/${refused.body.id}`);
        const settled = body.deliveries.filter(
          (d: { state: string; attempts: number }) => d.state !== 'pending' || d.attempts > 0,
        ).length;
        return ['failed', 'succeeded'].includes(body.state) && settled >= 3 ? body : undefined;
      }, 20_000);
      await track(`/api/v1/requests?limit=50`);
      await track('/api/v1/tracker/issues');

      const signingKeyBody = readFileSync(testSigningKeyFile, 'utf8')
        .split('\n')
        .slice(1, 4)
        .join('');
      const secrets = {
        'SMTP password': smtpPassword,
        'GitLab token': gitlab.token,
        'Slack token': slack.botToken,
        'Zendesk token': zendesk.apiToken,
        'API token': lifeline.token,
        'signing key': signingKeyBody.slice(0, 40),
      };
      const outboxless = readdirSync(lifeline.dataDir).includes('outbox')
        ? readdirSync(join(lifeline.dataDir, 'outbox'))
        : [];
      const places = {
        logs,
        answers: answers.join('\n'),
        'GitLab issues': JSON.stringify(gitlab.issues),
        'Slack messages': JSON.stringify(slack.messages),
        'Zendesk tickets': JSON.stringify([...zendesk.tickets.values()]),
        emails: smtp.messages.map((m) => m.raw.toString('utf8')).join('\n'),
        outbox: outboxless.join('\n'),
      };
      assert.ok(logs.length > 1000, 'debug logs were written');
      for (const [where, text] of Object.entries(places)) {
        for (const [what, secret] of Object.entries(secrets)) {
          assert.ok(!text.includes(secret), `${what} appears in ${where}`);
        }
      }
    });
  });
}
