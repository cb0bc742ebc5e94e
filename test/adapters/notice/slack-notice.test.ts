import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createSlackNotice, SlackBotNotice } from '../../../src/adapters/notice/slack-notice.js';
import { SlackWebhookNotice } from '../../../src/adapters/notice/slack-webhook-notice.js';
import { startSlackServer, type FakeSlack } from '../../fakes/slack-server.js';
import { awaitingOutcome, failedOutcome, issuedOutcome, TICKET_URL } from './sample-outcomes.js';
import { rejection } from '../../support/rejection.js';

function blockTexts(blocks: unknown[] | undefined): string {
  return JSON.stringify(blocks ?? []);
}

describe('SlackBotNotice against the fake Slack', () => {
  let slack: FakeSlack;
  let notice: SlackBotNotice;

  before(async () => {
    slack = await startSlackServer({
      channels: [
        { id: 'C0LIFELINE1', name: 'support_licensing-subscription', isMember: true },
        { id: 'C0OUTSIDE22', name: 'elsewhere', isMember: false },
        { id: 'C0ARCHIVED3', name: 'old-licensing', isMember: true, isArchived: true },
      ],
    });
  });
  after(() => slack.stop());
  beforeEach(() => {
    slack.messages.length = 0;
    slack.requests.length = 0;
    notice = new SlackBotNotice({
      kind: 'bot',
      token: slack.botToken,
      channel: '#support_licensing-subscription',
      apiUrl: slack.apiUrl,
    });
  });

  it('posts the issued notice: header, fields, links and a fallback text with the ticket URL', async () => {
    const result = await notice.post(issuedOutcome);

    assert.equal(slack.messages.length, 1);
    const message = slack.messages[0]!;
    assert.equal(message.channel, 'C0LIFELINE1');
    assert.deepEqual(result, {
      ref: message.ts,
      destination: 'Slack #support_licensing-subscription (C0LIFELINE1)',
    });
    assert.ok(message.text?.includes(TICKET_URL), message.text);
    assert.match(
      message.text ?? '',
      /issued for jane@example\.com, 250 seats, works through 2026-03-16 \(expires at 00:00 on 2026-03-17, server time\)/,
    );
    const header = message.blocks?.[0] as { type: string; text: { text: string } };
    assert.equal(header.type, 'header');
    assert.equal(header.text.text, 'Emergency license issued');
    const texts = blockTexts(message.blocks);
    assert.ok(texts.includes(`<${TICKET_URL}|#4711>`));
    assert.ok(texts.includes('jane@example.com'));
    assert.ok(texts.includes('*Seats*\\n250'));
    assert.ok(
      texts.includes('*Works through*\\n2026-03-16 (expires at 00:00 on 2026-03-17, server time)'),
    );
    assert.ok(texts.includes('*Requested by*\\nsam.support'));
    assert.ok(
      texts.includes('<https://gitlab.example.com/support/emergency-licenses/-/issues/12|#12 '),
    );
    assert.equal(message.fields.unfurl_links, 'false');
    // The token travels in the Authorization header only.
    const post = slack.requests.find((request) => request.path === '/api/chat.postMessage');
    assert.equal(post?.headers.authorization, `Bearer ${slack.botToken}`);
    assert.ok(!post?.text.includes(slack.botToken));
  });

  it('posts the failed notice with the step, the error and the next action, escaped', async () => {
    await notice.post(failedOutcome);
    const message = slack.messages[0]!;
    const header = message.blocks?.[0] as { text: { text: string } };
    assert.equal(header.text.text, 'Emergency license FAILED');
    const texts = blockTexts(message.blocks);
    assert.ok(texts.includes('*Failed step:* email'));
    assert.ok(texts.includes('&lt;ops@acme.test&gt; unknown'));
    assert.ok(texts.includes('*Next:* Check the customer email'));
    assert.ok(texts.includes('alex &lt;on-call&gt;'));
    assert.ok(message.text?.includes('https://example.zendesk.com/agent/tickets/4712'));
    assert.match(message.text ?? '', /FAILED at email/);
  });

  it('posts that a request waits for approval: why, who may approve, and until when', async () => {
    await notice.post(awaitingOutcome);
    const message = slack.messages[0]!;
    const header = message.blocks?.[0] as { text: { text: string } };
    assert.equal(header.text.text, 'Emergency license AWAITING APPROVAL');
    const texts = blockTexts(message.blocks);
    assert.ok(texts.includes('• The user count 100,000 is more than 1.5 times'), texts);
    assert.ok(
      texts.includes(
        '*Needs:* an approver other than sam.support, before 2026-03-10T12:00:00.000Z',
      ),
    );
    assert.ok(texts.includes('*Works through*\\nnot issued yet'));
    assert.equal(
      message.text,
      `Emergency license AWAITING APPROVAL for ops@acme.test, 100000 seats: ticket ${TICKET_URL}`,
    );
  });

  it('turns an HTTP 429 into a transient error with Retry-After, without waiting', async () => {
    slack.failNext(429, { retryAfter: 30 });
    const started = Date.now();
    const error = await rejection(notice.post(issuedOutcome));
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, 'SLACK_RATE_LIMITED');
    assert.equal(error.retryAfterMs, 30_000);
    assert.ok(Date.now() - started < 5_000, 'the client must not wait out the rate limit itself');
    assert.equal(slack.messages.length, 0);
    assert.equal(slack.requests.length, 1, 'no retry inside the client');
  });

  it('turns an HTTP 500 into a transient error', async () => {
    slack.failNext(500);
    const error = await rejection(notice.post(issuedOutcome));
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, 'SLACK_UNAVAILABLE');
    assert.equal(slack.requests.length, 1);
  });

  it('turns ok:false ratelimited into a transient error', async () => {
    slack.failNext(200, { body: { ok: false, error: 'ratelimited' } });
    const error = await rejection(notice.post(issuedOutcome));
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, 'SLACK_RATE_LIMITED');
  });

  it('turns a refused token into a configuration error naming SLACK_BOT_TOKEN, never quoting it', async () => {
    const secret = 'xoxb-wrong-secret-token-999';
    const error = await rejection(
      new SlackBotNotice({
        kind: 'bot',
        token: secret,
        channel: '#support_licensing-subscription',
        apiUrl: slack.apiUrl,
      }).post(issuedOutcome),
    );
    assert.equal(error.kind, 'configuration');
    assert.equal(error.code, 'SLACK_UNAUTHORIZED');
    assert.match(error.message, /SLACK_BOT_TOKEN \(invalid_auth\)/);
    assert.ok(!JSON.stringify([error.message, error.remoteReply, error.stack]).includes(secret));
  });

  it('maps token_revoked and account_inactive to configuration too', async () => {
    for (const word of ['token_revoked', 'account_inactive', 'not_authed']) {
      slack.failNext(200, { body: { ok: false, error: word } });
      const error = await rejection(notice.post(issuedOutcome));
      assert.equal(error.kind, 'configuration', word);
      assert.match(error.message, /SLACK_BOT_TOKEN/);
    }
  });

  it('asks to invite the bot when it is not in the channel, naming SLACK_CHANNEL', async () => {
    const outside = new SlackBotNotice({
      kind: 'bot',
      token: slack.botToken,
      channel: '#elsewhere',
      apiUrl: slack.apiUrl,
    });
    const error = await rejection(outside.post(issuedOutcome));
    assert.equal(error.kind, 'configuration');
    assert.equal(error.code, 'SLACK_CHANNEL_UNAVAILABLE');
    assert.match(error.message, /SLACK_CHANNEL #elsewhere \(not_in_channel\).*invite the bot/);

    const missing = new SlackBotNotice({
      kind: 'bot',
      token: slack.botToken,
      channel: '#no-such-channel',
      apiUrl: slack.apiUrl,
    });
    assert.match((await rejection(missing.post(issuedOutcome))).message, /channel_not_found/);
  });

  it('treats other ok:false errors as permanent', async () => {
    slack.failNext(200, { body: { ok: false, error: 'msg_too_long' } });
    const error = await rejection(notice.post(issuedOutcome));
    assert.equal(error.kind, 'permanent');
    assert.equal(error.code, 'SLACK_REJECTED');
    assert.match(error.remoteReply ?? '', /msg_too_long/);
  });

  it('check() verifies the token and, for a channel id, that the bot is a member', async () => {
    const byId = new SlackBotNotice({
      kind: 'bot',
      token: slack.botToken,
      channel: 'C0LIFELINE1',
      apiUrl: slack.apiUrl,
    });
    const rows = await byId.check();
    assert.deepEqual(
      rows.map((row) => [row.name, row.ok]),
      [
        ['Slack token', true],
        ['Slack channel', true],
        ['Slack history', true],
      ],
    );
    assert.match(rows[0]!.detail, /@lifeline in Lifeline Test/);
    assert.match(rows[1]!.detail, /#support_licensing-subscription \(C0LIFELINE1\)/);

    const outside = await new SlackBotNotice({
      kind: 'bot',
      token: slack.botToken,
      channel: 'C0OUTSIDE22',
      apiUrl: slack.apiUrl,
    }).check();
    assert.equal(outside[1]?.ok, false);
    assert.match(outside[1]?.fix ?? '', /Invite the bot/);

    const archived = await new SlackBotNotice({
      kind: 'bot',
      token: slack.botToken,
      channel: 'C0ARCHIVED3',
      apiUrl: slack.apiUrl,
    }).check();
    assert.equal(archived[1]?.ok, false);
    assert.match(archived[1]?.detail ?? '', /archived/);
  });

  it('check() says a channel name cannot be verified, and stops at a bad token', async () => {
    const rows = await notice.check();
    assert.equal(rows[1]?.ok, true);
    assert.match(rows[1]?.detail ?? '', /not verified/);
    assert.equal(rows[2]?.name, 'Slack history');
    assert.match(rows[2]?.detail ?? '', /set SLACK_CHANNEL to the channel's id/);

    const bad = await new SlackBotNotice({
      kind: 'bot',
      token: 'xoxb-bad',
      channel: 'C0LIFELINE1',
      apiUrl: slack.apiUrl,
    }).check();
    assert.equal(bad.length, 1);
    assert.equal(bad[0]?.ok, false);
    assert.match(bad[0]?.fix ?? '', /SLACK_BOT_TOKEN/);
  });
});

describe('SlackBotNotice against a Slack that does not answer', () => {
  it('gives up after its timeout with a transient error, without retrying', async () => {
    let received = 0;
    const silent = createServer(() => {
      received += 1;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const notice = new SlackBotNotice(
        {
          kind: 'bot',
          token: 'xoxb-silent-token',
          channel: '#support_licensing-subscription',
          apiUrl: `http://127.0.0.1:${port}/api/`,
        },
        { timeoutMs: 200 },
      );
      const error = await rejection(notice.post(issuedOutcome));
      assert.equal(error.kind, 'transient');
      assert.equal(error.code, 'SLACK_TIMEOUT');
      assert.equal(received, 1);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('SlackBotNotice without channels:read', () => {
  it('check() reports the channel as not verifiable rather than broken', async () => {
    const slack = await startSlackServer({ scopes: ['chat:write'] });
    try {
      const rows = await new SlackBotNotice({
        kind: 'bot',
        token: slack.botToken,
        channel: 'C0LIFELINE1',
        apiUrl: slack.apiUrl,
      }).check();
      assert.equal(rows[1]?.ok, true);
      assert.match(rows[1]?.detail ?? '', /lacks channels:read/);
    } finally {
      await slack.stop();
    }
  });
});

describe('SlackWebhookNotice against the fake Slack', () => {
  let slack: FakeSlack;
  let notice: SlackWebhookNotice;

  before(async () => {
    slack = await startSlackServer();
  });
  after(() => slack.stop());
  beforeEach(() => {
    slack.messages.length = 0;
    notice = new SlackWebhookNotice({ kind: 'webhook', webhookUrl: slack.webhookUrl });
  });

  it('posts the same blocks and fallback text', async () => {
    const result = await notice.post(issuedOutcome);
    assert.equal(result.ref, undefined);
    const message = slack.messages[0]!;
    assert.equal(message.via, 'webhook');
    assert.ok(message.text?.includes(TICKET_URL));
    assert.equal((message.blocks?.[0] as { type: string }).type, 'header');
  });

  it('createSlackNotice picks the webhook for webhook settings', async () => {
    const channel = createSlackNotice({ kind: 'webhook', webhookUrl: slack.webhookUrl });
    await channel.post(failedOutcome);
    assert.equal(slack.messages.length, 1);
  });

  it('429 is transient with Retry-After; 500 is transient', async () => {
    slack.failNext(429, { retryAfter: 9 });
    const limited = await rejection(notice.post(issuedOutcome));
    assert.equal(limited.kind, 'transient');
    assert.equal(limited.code, 'SLACK_RATE_LIMITED');
    assert.equal(limited.retryAfterMs, 9_000);

    slack.failNext(500);
    const failed = await rejection(notice.post(issuedOutcome));
    assert.equal(failed.kind, 'transient');
  });

  it('a removed webhook is a configuration error that does not quote the URL', async () => {
    const gone = new SlackWebhookNotice({
      kind: 'webhook',
      webhookUrl: `${slack.url}/services/T0LIFELINE/B0GONE/removedSecret77`,
    });
    const error = await rejection(gone.post(issuedOutcome));
    assert.equal(error.kind, 'configuration');
    assert.equal(error.code, 'SLACK_WEBHOOK_UNAVAILABLE');
    assert.match(error.message, /SLACK_WEBHOOK_URL \(404 no_service\)/);
    assert.ok(!JSON.stringify([error.message, error.remoteReply]).includes('removedSecret77'));
  });

  it('invalid_payload is permanent', async () => {
    slack.failNext(400, { body: 'invalid_payload' });
    const error = await rejection(notice.post(issuedOutcome));
    assert.equal(error.kind, 'permanent');
    assert.equal(error.remoteReply, 'HTTP 400: invalid_payload');
  });

  it('check() says a webhook cannot be tested without posting', async () => {
    const before = slack.requests.length;
    const rows = await notice.check();
    assert.equal(rows[0]?.ok, true);
    assert.match(rows[0]?.detail ?? '', /cannot be tested/);
    assert.equal(slack.requests.length, before, 'nothing is posted by a check');
  });
});
