/**
 * Hostile text in a batch, on each database, asserting on the bytes the GitLab and Slack fakes
 * received: the file name, the reason and the approver's name reach the batch's one tracker
 * issue and one notice as inert text (no quick action, mention, `<!channel>` or closed code
 * span), and report.csv quotes a cell a spreadsheet would run as a formula.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../src/access/api-tokens.js';
import { clockOnDay } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';
import { startGitLabServer, type FakeGitLab } from '../fakes/gitlab-server.js';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startSlackServer, type FakeSlack } from '../fakes/slack-server.js';
import { testDatabases } from '../support/databases.js';
import { fixtureDay } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';
import { batchHeader, batchFinished } from './batch-support.js';

const fileName = 'x`@all /close <!channel>.csv';
const reason = 'billing outage\n/close @all <!channel> #1 [x](javascript:alert(1))';
const approverName = 'Mallory /close <!here> @all';

const content = [
  batchHeader,
  // A note a spreadsheet would run, on a row that is issued.
  '7501,https://support.example.com/agent/tickets/7501,ops@hostile-batch.example,40,premium,2026-11-12,40,40,,,=1+2',
  // An address a spreadsheet would run, on a row that is invalid: the report shows it.
  "7502,https://support.example.com/agent/tickets/7502,=cmd|'/C calc'!A0,40,premium,2026-11-12,40,40,,,+SUM(A1)",
].join('\n');

for (const database of testDatabases) {
  describe(`hostile text in a batch (${database.name})`, { timeout: 120_000 }, () => {
    let gitlab: FakeGitLab;
    let slack: FakeSlack;
    let lifeline: TestService;
    let approver: string;
    before(async () => {
      [gitlab, slack] = await Promise.all([startGitLabServer(), startSlackServer()]);
      lifeline = await startTestService(fakeRemotesEnv({ gitlab, slack }), {
        database,
        clock: clockOnDay(calendarDate(fixtureDay)),
      });
      approver = (
        await createApiToken(
          lifeline.service.store.db,
          { name: approverName, role: 'approver' },
          Date.now(),
        )
      ).token;
    });
    after(async () => {
      await lifeline.stop();
      await Promise.all([gitlab.stop(), slack.stop()]);
    });

    it('refuses a file name of more than one line, naming the field', async () => {
      const answer = await lifeline.api('/api/v1/batches', {
        token: approver,
        body: { format: 'csv', content, fileName: 'x\n/close.csv', reason, skipInvalid: true },
      });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match(JSON.stringify(answer.body.error), /fileName must be one line/);
    });

    it('reaches GitLab and Slack as inert text, and the report as text', async () => {
      const started = await lifeline.api('/api/v1/batches', {
        token: approver,
        body: { format: 'csv', content, fileName, reason, skipInvalid: true },
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const id = started.body.id as string;
      await batchFinished(lifeline, id);

      const writes = gitlab.requests.filter(
        (r) =>
          /\/issues(\/\d+)?$/.test(r.path) &&
          (r.method === 'POST' || r.method === 'PUT') &&
          String((r.body as { title?: string }).title).startsWith('[Batch]'),
      );
      assert.equal(writes.length, 1);
      const issue = writes[0]?.body as { title: string; description: string };
      // A title is plain text in GitLab: one line, as the request issues' titles.
      assert.equal(issue.title, '[Batch] - 1 of 2 rows issued from x`@all /close <!channel>.csv');
      assert.equal(
        issue.description,
        [
          `Batch \`${id}\` from \`\`x\`@all /close <!channel>.csv\`\`, started by Mallory /close \\<\\!here\\> \\@all.`,
          '',
          '**Reason:** billing outage /close \\@all \\<\\!channel\\> \\#1 \\[x\\](javascript:alert(1))',
          '',
          '**Rows:** 2: 1 issued, 0 awaiting approval, 0 refused, 0 failed, 1 invalid.',
          '',
          `<!-- lifeline-request-id: batch:${id} -->`,
          '',
        ].join('\n'),
      );

      // Slack: the notification text and the block, as chat.postMessage received them.
      const posts = slack.requests.filter(
        (r) =>
          r.path.endsWith('/chat.postMessage') &&
          String((r.body as { text?: string }).text).startsWith('Batch '),
      );
      assert.equal(posts.length, 1);
      assert.doesNotMatch(posts[0]?.text ?? '', /<!channel>|<!here>|link_names/);
      const post = posts[0]?.body as { text: string; blocks: string };
      assert.equal(
        post.text,
        'Batch x`@all /close &lt;!channel&gt;.csv finished: 1 issued, 0 awaiting approval, 0 refused, 0 failed, 1 invalid (of 2 rows)',
      );
      const trackerUrl = `${gitlab.url}/${gitlab.project.path}/-/issues/${gitlab.issues.at(-1)?.iid}`;
      const blocks = JSON.parse(post.blocks) as Array<{ text: { text: string } }>;
      assert.equal(
        blocks[0]?.text.text,
        [
          '*Batch x`@all /close &lt;!channel&gt;.csv* started by Mallory /close &lt;!here&gt; @all has finished.',
          'Reason: billing outage /close @all &lt;!channel&gt; #1 [x](javascript:alert(1))',
          '1 issued, 0 awaiting approval, 0 refused, 0 failed, 1 invalid (of 2 rows).',
          `<${trackerUrl}|tracker issue>`,
        ].join('\n'),
      );

      // The report: the cell that would run as a formula starts with a quote, as text.
      const report = await fetch(`${lifeline.url}/api/v1/batches/${id}/report.csv`, {
        headers: { authorization: `Bearer ${lifeline.token}` },
      });
      const lines = (await report.text()).split('\n');
      assert.equal(
        lines[2],
        "3,invalid,,'=cmd|'/c calc'!a0,40,,customer_email must be the customer's email address",
      );
      for (const line of lines.slice(1))
        for (const cell of line.split(','))
          assert.doesNotMatch(cell, /^[=+\-@]/, `no cell runs as a formula: ${line}`);
    });
  });
}
