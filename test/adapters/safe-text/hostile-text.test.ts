/**
 * Hostile text through a real request to every destination at once (SMTP, GitLab, Slack,
 * Zendesk fakes), asserting on the bytes each one received: nothing a customer or an engineer
 * types can act inside GitLab (quick actions, mentions, references, a closed fence), Slack
 * (`<!channel>`, a link label picked by `|`), the Zendesk note or an email header.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clockOnDay } from '../../../src/clock.js';
import { calendarDate } from '../../../src/license/index.js';
import type { FakeGitLab } from '../../fakes/gitlab-server.js';
import { fakeRemotesEnv, startFakeRemotes, type FakeRemotes } from '../../fakes/remote-env.js';
import type { FakeSlack } from '../../fakes/slack-server.js';
import type { FakeSmtpServer } from '../../fakes/smtp-server.js';
import type { FakeZendesk } from '../../fakes/zendesk-server.js';
import { testDatabases } from '../../support/databases.js';
import { fixtureDay, screenshotBody } from '../../support/requests.js';
import { eventually, startTestService, type TestService } from '../../support/service.js';

const note = [
  'Customer is in a hurry',
  '/close',
  '/assign @x',
  '/move group/public',
  '```',
  'end of the fence? @all #123 !1 <img src=x onerror=alert(1)> [click](javascript:alert(1))',
].join('\n');
// A line break in it is refused at the API (test/requests/approval.test.ts): the rest reaches
// every destination.
const requestedBy = 'Mallory /close <!channel> <@U12345> @here';

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
  describe(`hostile text in every destination (${database.name})`, () => {
    let smtp: FakeSmtpServer;
    let gitlab: FakeGitLab;
    let slack: FakeSlack;
    let zendesk: FakeZendesk;
    const shotsBody = (...args: Parameters<typeof screenshotBody>) =>
      screenshotsOn(zendesk, screenshotBody(...args));
    let remotes: FakeRemotes;
    let lifeline: TestService;
    let ticketUrl: string;

    before(async () => {
      remotes = await startFakeRemotes();
      ({ smtp, gitlab, slack, zendesk } = remotes);
      ticketUrl = `${zendesk.url}/agent/tickets/4712?from=|<!channel>&x=@all`;
      lifeline = await startTestService(fakeRemotesEnv(remotes), {
        clock: clockOnDay(calendarDate(fixtureDay)),
        database,
      });
    });
    after(async () => {
      await lifeline.stop();
      await remotes.stop();
    });

    it('refuses a ticket.id that is not a ticket id, naming the field', async () => {
      for (const id of [
        '4712\r\nBcc: evil@attacker.example',
        '4712\n/close',
        'a b',
        'x'.repeat(65),
      ]) {
        const answer = await lifeline.api('/api/v1/requests', {
          body: shotsBody({}, { ticket: { id, url: 'https://support.example.com/t/1' } }),
        });
        assert.equal(answer.status, 400, JSON.stringify(id));
        const detail = answer.body.error.details?.find(
          (d: { field: string }) => d.field === 'body.ticket.id',
        );
        assert.match(
          detail?.message ?? '',
          /^ticket\.id must be the ticket number, or a ticket id/,
        );
      }
      const url = await lifeline.api('/api/v1/requests', {
        body: shotsBody(
          {},
          { ticket: { id: '1', url: 'https://support.example.com/t/1\n/close' } },
        ),
      });
      assert.equal(url.status, 400);
      assert.match(JSON.stringify(url.body), /ticket\.url must be the http\(s\) address/);
      for (const id of ['4712', '#4712', 'ZD-4712_a', 4712]) {
        const answer = await lifeline.api('/api/eligibility'.replace('/api/', '/api/v1/'), {
          body: shotsBody({}, { ticket: { id, url: 'https://support.example.com/t/1' } }),
        });
        assert.equal(answer.status, 200, `${JSON.stringify(id)} is a ticket id`);
      }
    });

    it('reaches GitLab, Slack, Zendesk and the customer as inert text', async () => {
      const created = await lifeline.api('/api/v1/requests', {
        token: lifeline.tokens.service,
        body: shotsBody(
          {},
          {
            customerEmail: 'admin@hostile.example',
            ticket: { id: '4712', url: ticketUrl },
            note,
            requestedBy,
          },
        ),
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      const id = created.body.id as string;
      await eventually(
        async () => {
          const { body } = await lifeline.api(`/api/v1/requests/${id}`);
          const deliveries = body.deliveries as Array<{ medium: string; state: string }>;
          const done = ['email', 'tracker', 'notice', 'ticket'].every((channel) =>
            deliveries.some((d) => d.medium === channel && d.state === 'delivered'),
          );
          return done && body.trackerIssue?.upToDate ? body : undefined;
        },
        20_000,
        'every delivery',
      );
      const who = 'Mallory /close <!channel> <@U12345> @here via test-service';

      // GitLab: the description as the fake received it, in its last write.
      const writes = gitlab.requests.filter(
        (r) => /\/issues(\/\d+)?$/.test(r.path) && (r.method === 'POST' || r.method === 'PUT'),
      );
      assert.ok(writes.length > 0);
      for (const write of writes) {
        const description = (write.body as { description?: string }).description ?? '';
        const lines = description.split('\n');
        const fences = lines.filter((line) => /^`{3,}/.test(line));
        const license = lines.indexOf(fences[0] ?? '\u0000');
        const outside = license < 0 ? lines : lines.slice(0, license);
        for (const whole of outside) {
          assert.doesNotMatch(whole, /^\s*\//, `no line starts a quick action: ${whole}`);
          // A link's destination is an address, never rendered as text.
          const line = whole.replace(/\]\(<[^>]*>\)/g, '](…)');
          assert.doesNotMatch(line, /(^|[^\\])@(x|all|here)\b/, `no mention: ${line}`);
          assert.doesNotMatch(line, /(^|[^\\])[#!]1/, `no reference: ${line}`);
          assert.doesNotMatch(line, /(^|[^\\])<img/, `no HTML: ${line}`);
        }
        assert.ok(fences.length === 0 || fences.length === 2, 'the license fence is one block');
        if (fences.length === 2) assert.equal(fences[0], '```');
      }
      const last = (writes.at(-1)?.body as { description: string }).description;
      assert.ok(
        last.includes(
          '- **Note:** Customer is in a hurry /close /assign \\@x /move group/public \\`\\`\\` end of the fence? \\@all \\#123 \\!1 \\<img src=x onerror=alert(1)\\> \\[click\\](javascript:alert(1))\n',
        ),
        last,
      );
      assert.ok(
        last.includes(
          '- **Requested by:** Mallory /close \\<\\!channel\\> \\<\\@U12345\\> \\@here via test-service\n',
        ),
      );
      assert.ok(
        last.includes(
          `- **Ticket:** [\\#4712](<${zendesk.url}/agent/tickets/4712?from=|%3C!channel%3E&x=@all>)\n`,
        ),
        last,
      );

      // Slack: the raw body of chat.postMessage.
      const posts = slack.requests.filter((r) => r.path.endsWith('/chat.postMessage'));
      assert.equal(posts.length, 1);
      const raw = posts[0]?.text ?? '';
      assert.doesNotMatch(raw, /<!channel>|<!here>|<@U12345>/);
      assert.doesNotMatch(raw, /link_names/);
      const message = slack.messages.at(-1);
      const fields = (message?.blocks?.[1] as { fields: Array<{ text: string }> }).fields;
      assert.equal(
        fields[0]?.text,
        `*Ticket*\n<${zendesk.url}/agent/tickets/4712?from=%7C%3C!channel%3E&amp;x=@all|#4712>`,
      );
      assert.equal(
        fields[4]?.text,
        `*Requested by*\n${who.replace(/</g, '&lt;').replace(/>/g, '&gt;')}`,
      );
      assert.doesNotMatch(message?.text ?? '', /[<>]/);

      // Zendesk: the note's HTML as sent.
      const update = zendesk.requests.find(
        (r) => r.method === 'PUT' && r.path.startsWith('/api/v2/tickets/4712'),
      );
      const html = (update?.body as { ticket: { comment: { html_body: string } } }).ticket.comment
        .html_body;
      assert.ok(
        html.includes(
          '<li><strong>Requested by:</strong> Mallory /close &lt;!channel&gt; &lt;@U12345&gt; @here via test-service</li>',
        ),
        html,
      );

      // The email: its header block as received, and the text part.
      const [mail] = smtp.messages.filter((m) => m.headers.get('x-lifeline-request') === id);
      assert.ok(mail);
      const rawMail = mail.raw.toString('utf8');
      const headerBlock = rawMail.slice(0, rawMail.indexOf('\r\n\r\n'));
      assert.doesNotMatch(headerBlock, /^(bcc|cc):/im);
      assert.deepEqual(mail.envelope.rcptTo, ['admin@hostile.example']);
      assert.match(
        mail.text ?? '',
        new RegExp(`\\n  Ticket:        #4712 ${escapeRegExp(ticketUrl)}\\n`),
      );
      assert.doesNotMatch(mail.html || '', /<!channel>/);
    });
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
