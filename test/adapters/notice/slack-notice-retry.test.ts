/**
 * A retried notice whose first attempt Slack took but never answered: the retry reads the
 * channel back (`conversations.history`) and does not post it again. An incoming webhook
 * cannot read back: its retry is posted (the notice is never lost) and says it may repeat the
 * attempt tried at that time.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SlackBotNotice } from '../../../src/adapters/notice/slack-notice.js';
import { SlackWebhookNotice } from '../../../src/adapters/notice/slack-webhook-notice.js';
import { startSlackServer, type FakeSlack } from '../../fakes/slack-server.js';
import { rejection } from '../../support/rejection.js';
import { failedOutcome, issuedOutcome } from './sample-outcomes.js';

/** Date.now(), since the fake stamps messages with Slack's (the real) clock. */
const firstAttemptAt = () => Date.now();

function recordingLogger() {
  const warnings: string[] = [];
  return {
    warnings,
    logger: { warn: (_fields: object, message: string) => warnings.push(message) },
  };
}

function botNotice(slack: FakeSlack, channel = 'C0LIFELINE1', options = {}) {
  return new SlackBotNotice(
    { kind: 'bot', token: slack.botToken, channel, apiUrl: slack.apiUrl },
    { timeoutMs: 300, ...options },
  );
}

// One fake Slack for the file, emptied before each test.
let slack: FakeSlack;
before(async () => {
  slack = await startSlackServer();
});
after(() => slack.stop());
beforeEach(() => {
  slack.messages.length = 0;
  slack.requests.length = 0;
});

describe('SlackBotNotice retried after a lost answer', () => {
  it('finds the message a hung first attempt posted, and does not post it again', async () => {
    const notice = botNotice(slack);
    const since = firstAttemptAt();
    slack.takeAndHangNext();
    const timedOut = await rejection(notice.post(issuedOutcome));
    assert.equal(timedOut.code, 'SLACK_TIMEOUT');
    assert.equal(slack.messages.length, 1, 'Slack took the first attempt');

    const retried = await notice.post(issuedOutcome, { since });

    assert.equal(slack.messages.length, 1, 'exactly one message in the channel');
    assert.deepEqual(retried, {
      ref: slack.messages[0]!.ts,
      destination: 'Slack C0LIFELINE1 (posted before)',
    });
    const history = slack.requests.find((r) => r.path === '/api/conversations.history');
    assert.equal((history?.body as Record<string, unknown>).include_all_metadata, 'true');
  });

  it('marks each notice with its request and outcome, invisible to people', async () => {
    await botNotice(slack).post(issuedOutcome);
    assert.deepEqual(slack.messages[0]?.fields.metadata, {
      event_type: 'lifeline_notice',
      event_payload: { request_id: issuedOutcome.requestId, notice: 'issued' },
    });
  });

  it('posts on a retry when the channel holds only other notices', async () => {
    const notice = botNotice(slack);
    const since = firstAttemptAt();
    await notice.post(failedOutcome);
    await notice.post({ ...issuedOutcome, outcome: 'failed' });

    await notice.post(issuedOutcome, { since });

    assert.equal(slack.messages.length, 3);
  });

  it('looks no further back than the first attempt (less a margin for clocks)', async () => {
    const notice = botNotice(slack);
    await notice.post(issuedOutcome);

    await notice.post(issuedOutcome, { since: firstAttemptAt() + 60 * 60_000 });

    assert.equal(slack.messages.length, 2);
  });

  it('reads a second page of history when the first does not hold it', async () => {
    const notice = botNotice(slack);
    const since = firstAttemptAt();
    await notice.post(issuedOutcome);
    for (let i = 0; i < 200; i += 1) {
      await notice.postText({ summary: `chatter ${i}`, text: `chatter ${i}` });
    }

    const retried = await notice.post(issuedOutcome, { since });

    assert.equal(retried.destination, 'Slack C0LIFELINE1 (posted before)');
    assert.equal(slack.requests.filter((r) => r.path === '/api/conversations.history').length, 2);
  });
});

describe('SlackBotNotice retrying a message of our own (a batch summary)', () => {
  const summary = { summary: 'Batch b-1 finished', text: '*Batch b-1* finished', key: 'batch:b-1' };

  it('marks a keyed message and finds it again after a hung first attempt', async () => {
    const notice = botNotice(slack);
    const since = firstAttemptAt();
    slack.takeAndHangNext();
    const timedOut = await rejection(notice.postText(summary));
    assert.equal(timedOut.code, 'SLACK_TIMEOUT');
    assert.deepEqual(slack.messages[0]?.fields.metadata, {
      event_type: 'lifeline_message',
      event_payload: { key: 'batch:b-1' },
    });

    const retried = await notice.postText(summary, { since });

    assert.equal(slack.messages.length, 1, 'one summary in the channel');
    assert.deepEqual(retried, {
      ref: slack.messages[0].ts,
      destination: 'Slack C0LIFELINE1 (posted before)',
    });
  });

  it('posts a retry whose key the channel does not hold, and an unkeyed one without looking', async () => {
    const notice = botNotice(slack);
    const since = firstAttemptAt();
    await notice.postText({ ...summary, key: 'batch:b-0' });
    await notice.postText(summary, { since });
    await notice.postText({ summary: 'chatter', text: 'chatter' }, { since });
    assert.equal(slack.messages.length, 3);
  });
});

describe('SlackBotNotice retried without the history', () => {
  it('posts anyway when the token lacks channels:history, warning once, and doctor says why', async () => {
    const slack = await startSlackServer({ scopes: ['chat:write', 'channels:read'] });
    try {
      const log = recordingLogger();
      const notice = botNotice(slack, 'C0LIFELINE1', { logger: log.logger });
      const since = firstAttemptAt();

      await notice.post(issuedOutcome, { since });
      await notice.post(failedOutcome, { since });

      assert.equal(slack.messages.length, 2);
      assert.equal(log.warnings.length, 1);
      assert.match(log.warnings[0]!, /missing_scope, needs channels:history/);
      assert.match(log.warnings[0]!, /add the channels:history scope/);

      const rows = await notice.check();
      const history = rows.find((row) => row.name === 'Slack history');
      assert.equal(history?.ok, true);
      assert.match(history?.detail ?? '', /may be posted twice; add the channels:history scope/);
    } finally {
      await slack.stop();
    }
  });

  it('posts anyway when SLACK_CHANNEL is a name, which the history cannot take', async () => {
    const slack = await startSlackServer();
    try {
      const log = recordingLogger();
      const notice = botNotice(slack, '#support_licensing-subscription', { logger: log.logger });

      await notice.post(issuedOutcome, { since: firstAttemptAt() });
      await notice.post(issuedOutcome, { since: firstAttemptAt() });

      assert.equal(slack.messages.length, 2);
      assert.equal(log.warnings.length, 1);
      assert.match(log.warnings[0]!, /set it to the channel's id/);
      assert.equal(slack.requests.filter((r) => r.path.includes('history')).length, 0);
    } finally {
      await slack.stop();
    }
  });

  it('throws a hung history like a hung post, so the job tries again later', async () => {
    const slack = await startSlackServer();
    try {
      slack.slowDown(2_000);
      const error = await rejection(
        botNotice(slack).post(issuedOutcome, { since: firstAttemptAt() }),
      );
      assert.equal(error.kind, 'transient');
      assert.equal(error.code, 'SLACK_TIMEOUT');
      assert.equal(slack.messages.length, 0);
    } finally {
      await slack.stop();
    }
  });
});

describe('SlackWebhookNotice retried after a lost answer', () => {
  it('posts a retried message of our own again, saying it may repeat the first attempt', async () => {
    const notice = new SlackWebhookNotice(
      { kind: 'webhook', webhookUrl: slack.webhookUrl },
      { timeoutMs: 300 },
    );
    const before = slack.messages.length;
    const triedAt = Date.parse('2026-12-01T19:02:41.500Z');
    await notice.postText(
      { summary: 'Batch b-1 finished', text: '*Batch b-1* finished', key: 'batch:b-1' },
      { since: triedAt },
    );
    assert.equal(slack.messages.length, before + 1);
    assert.equal(
      slack.messages.at(-1)?.text,
      '(May repeat the notice tried at 2026-12-01 19:02 UTC.) Batch b-1 finished',
    );
    slack.messages.length = 0;
  });

  it('posts again, saying it may repeat the attempt tried then; a first attempt says nothing', async () => {
    const notice = new SlackWebhookNotice(
      { kind: 'webhook', webhookUrl: slack.webhookUrl },
      { timeoutMs: 300 },
    );
    slack.takeAndHangNextWebhook();
    const timedOut = await rejection(notice.post(issuedOutcome));
    assert.equal(timedOut.code, 'SLACK_TIMEOUT');
    // What the step passes: the delivery's first making, and when the lost attempt ended.
    const triedAt = Date.parse('2026-12-01T19:02:41.500Z');
    await notice.post(issuedOutcome, { since: triedAt - 20_000, lastTriedAt: triedAt });

    assert.equal(slack.messages.length, 2, 'both reached the channel: nothing was lost');
    const [first, second] = slack.messages;
    const firstText = JSON.stringify(first?.blocks);
    assert.doesNotMatch(firstText, /Posted again/);
    assert.doesNotMatch(first?.text ?? '', /May repeat/);
    assert.equal(
      second?.text,
      `(May repeat the notice tried at 2026-12-01 19:02 UTC.) ${first?.text ?? ''}`,
    );
    const blocks = second?.blocks as Array<{ type: string; elements?: Array<{ text: string }> }>;
    assert.equal(blocks[0]?.type, 'header', 'the heading stays first');
    assert.equal(blocks[1]?.type, 'context');
    assert.equal(
      blocks[1]?.elements?.[0]?.text,
      ":repeat: Posted again: an attempt at about <!date^1796151761^{date_short_pretty} at {time}|2026-12-01 19:02 UTC> ended without Slack's answer and may have been posted. If the same notice is above, this one repeats it.",
    );
    assert.deepEqual(blocks.slice(2), first?.blocks?.slice(1), 'the rest is the same notice');
  });
});
