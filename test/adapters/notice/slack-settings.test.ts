import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config-error.js';
import { parseSlackSettings } from '../../../src/adapters/notice/slack-settings.js';

const TOKEN = 'xoxb-secret-settings-token';
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/secretWebhookPart';

function problems(env: Record<string, string | undefined>): string {
  try {
    parseSlackSettings(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.ok(!error.message.includes(TOKEN), 'the token must not be quoted');
    assert.ok(!error.message.includes('secretWebhookPart'), 'the webhook URL must not be quoted');
    return error.message;
  }
  assert.fail('expected the settings to be refused');
}

describe('parseSlackSettings', () => {
  it('is undefined when nothing is set (notices stay in the timeline)', () => {
    assert.equal(parseSlackSettings({}), undefined);
    assert.equal(parseSlackSettings({ SLACK_BOT_TOKEN: ' ' }), undefined);
  });

  it('reads a bot token with the default channel and API URL', () => {
    assert.deepEqual(parseSlackSettings({ SLACK_BOT_TOKEN: TOKEN }), {
      kind: 'bot',
      token: TOKEN,
      channel: '#support_licensing-subscription',
      apiUrl: 'https://slack.com/api/',
    });
  });

  it('takes a channel and an API URL, adding the trailing slash the client needs', () => {
    const settings = parseSlackSettings({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_CHANNEL: 'C0123456789',
      SLACK_API_URL: 'http://127.0.0.1:4010/api',
    });
    assert.equal(settings?.kind, 'bot');
    assert.equal(settings?.channel, 'C0123456789');
    assert.equal(settings?.kind === 'bot' && settings.apiUrl, 'http://127.0.0.1:4010/api/');
  });

  it('reads an incoming webhook', () => {
    assert.deepEqual(parseSlackSettings({ SLACK_WEBHOOK_URL: WEBHOOK }), {
      kind: 'webhook',
      webhookUrl: WEBHOOK,
    });
  });

  it('names the missing or conflicting companions', () => {
    assert.match(
      problems({ SLACK_CHANNEL: '#x' }),
      /SLACK_CHANNEL is set but SLACK_BOT_TOKEN is missing/,
    );
    assert.match(
      problems({ SLACK_API_URL: 'https://slack.com/api/' }),
      /SLACK_API_URL is set but SLACK_BOT_TOKEN/,
    );
    assert.match(problems({ SLACK_BOT_TOKEN: TOKEN, SLACK_WEBHOOK_URL: WEBHOOK }), /both set/);
    assert.match(
      problems({ SLACK_WEBHOOK_URL: WEBHOOK, SLACK_CHANNEL: '#x' }),
      /SLACK_CHANNEL has no effect with SLACK_WEBHOOK_URL/,
    );
  });

  it('refuses malformed values without quoting secrets', () => {
    assert.match(
      problems({
        SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T000/B000/secretWebhookPart',
      }),
      /SLACK_WEBHOOK_URL must use https/,
    );
    assert.match(
      problems({ SLACK_BOT_TOKEN: 'secretWebhookPart' }),
      /does not look like a Slack token/,
    );
  });
});
