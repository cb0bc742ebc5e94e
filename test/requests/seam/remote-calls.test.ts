/**
 * The calls each step makes to the real remotes' fakes (GitLab, Slack, Zendesk, SMTP), on both
 * databases: a request's first round makes only the calls the remotes' APIs need, and a sync
 * after an attempt that may have reached GitLab still looks for the issue it may have left.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { submissionSchema } from '../../../src/requests/submission.js';
import { submitRequest } from '../../../src/requests/submit-request.js';
import { trackerIssueTitle } from '../../../src/requests/tracker-issue-text.js';
import type { FakeGitLab } from '../../fakes/gitlab-server.js';
import { fakeRemotesEnv, startFakeRemotes, type FakeRemotes } from '../../fakes/remote-env.js';
import type { FakeSlack } from '../../fakes/slack-server.js';
import type { FakeSmtpServer } from '../../fakes/smtp-server.js';
import type { FakeZendesk } from '../../fakes/zendesk-server.js';
import { testDatabases } from '../../support/databases.js';
import { screenshotBody } from '../../support/requests.js';
import { runUntilIdle } from '../../support/run-until-idle.js';
import { startTestService, type TestService } from '../../support/service.js';
import { stillClock } from '../../support/still-clock.js';

const png = Buffer.from('89504e470d0a1a0a', 'hex');

for (const database of testDatabases) {
  describe(`the remote calls of a request's steps (${database.name})`, () => {
    const clock = stillClock('2026-11-28T12:00:00Z');
    let smtp: FakeSmtpServer;
    let gitlab: FakeGitLab;
    let slack: FakeSlack;
    let zendesk: FakeZendesk;
    let remotes: FakeRemotes;
    let lifeline: TestService;
    let ticket = 8100;

    before(async () => {
      remotes = await startFakeRemotes();
      ({ smtp, gitlab, slack, zendesk } = remotes);
      lifeline = await startTestService(fakeRemotesEnv(remotes), {
        clock,
        database,
        roles: { api: false, worker: true },
      });
    });
    after(async () => {
      await lifeline.stop();
      await remotes.stop();
    });

    const calls = () =>
      [
        ...gitlab.requests.map(
          (r) => `gitlab ${r.method} ${r.path.replace(/^.*\/issues/, 'issues')}`,
        ),
        ...slack.requests.map((r) => `slack ${r.method} ${r.path}`),
        ...zendesk.requests.map(
          (r) => `zendesk ${r.method} ${r.path.replace(/tickets\/\d+/, 'tickets/T')}`,
        ),
      ].sort();

    async function submit(): Promise<string> {
      ticket += 1;
      zendesk.attach(ticket, [
        { fileName: 'dashboard.png', contentType: 'image/png', content: png },
        { fileName: 'subscription.png', contentType: 'image/png', content: png },
      ]);
      for (const fake of [gitlab, slack, zendesk]) fake.requests.length = 0;
      const submission = submissionSchema.parse(
        screenshotBody(
          {},
          {
            customerEmail: `ops@calls-${ticket}.example`,
            userCount: 120,
            ticket: { id: String(ticket), url: `${zendesk.url}/agent/tickets/${ticket}` },
          },
        ),
      );
      const result = await submitRequest(lifeline.service.submit, submission, {
        name: 'calls-engineer',
        origin: 'cli',
      });
      assert.equal(result.body.state, 'queued', JSON.stringify(result.body));
      return result.body.id;
    }

    it('makes one call per thing to say: create and close the issue, one notice, note and tag', async () => {
      const id = await submit();
      await runUntilIdle(lifeline.service);
      assert.deepEqual(calls(), [
        'gitlab POST issues',
        'gitlab PUT issues/1',
        'slack POST /api/chat.postMessage',
        // The evidence check in the submission, then the note and its tag.
        'zendesk GET /api/v2/tickets/T/comments.json',
        'zendesk PUT /api/v2/tickets/T.json',
        'zendesk PUT /api/v2/tickets/T/tags.json',
      ]);
      const issue = gitlab.issues.find((candidate) => candidate.description?.includes(id));
      assert.equal(issue?.state, 'closed');
      assert.equal(
        issue?.title,
        trackerIssueTitle('succeeded', `ops@calls-${ticket}.example`, 120),
      );
      assert.equal(
        smtp.messages.filter((m) => m.headers.get('x-lifeline-request') === id).length,
        1,
      );
    });

    it('looks for the issue an earlier attempt may have created, and opens no second one', async () => {
      const id = await submit();
      // GitLab creates the issue but its answer is lost (a 500 after the write): the retry and
      // the sync after the email must find that issue rather than open a second one.
      gitlab.failNext(500, { path: '/issues' });
      const requests = gitlab.requests;
      const record = requests.push.bind(requests);
      let answerLost = true;
      requests.push = (...arrived) => {
        for (const request of arrived) {
          const body = request.body as { title?: string; description?: string } | undefined;
          // The first create is the one answered 500: GitLab saved it all the same.
          if (request.method !== 'POST' || !answerLost || !body?.title) continue;
          answerLost = false;
          const iid = Math.max(0, ...gitlab.issues.map((issue) => issue.iid)) + 1;
          const at = new Date().toISOString();
          gitlab.issues.push({
            id: 1000 + iid,
            iid,
            project_id: gitlab.project.id,
            title: body.title,
            description: body.description ?? null,
            state: 'opened',
            confidential: true,
            labels: [],
            web_url: `${gitlab.url}/${gitlab.project.path}/-/issues/${iid}`,
            created_at: at,
            updated_at: at,
            closed_at: null,
            notes: [],
          });
        }
        return record(...arrived);
      };
      try {
        await runUntilIdle(lifeline.service);
        // The failed sync's backoff is due on the clock that stands still only once it moves.
        clock.advance(60_000);
        await runUntilIdle(lifeline.service);
      } finally {
        requests.push = record;
      }
      const issues = gitlab.issues.filter((candidate) => candidate.description?.includes(id));
      assert.equal(issues.length, 1, 'one issue for the request');
      assert.equal(issues[0]?.state, 'closed');
      assert.ok(
        requests.some((r) => r.method === 'GET' && r.query.get('search') === id),
        'a later sync searched for the marker',
      );
      assert.equal(requests.filter((r) => r.method === 'POST').length, 1, 'one create was sent');
    });
  });
}
