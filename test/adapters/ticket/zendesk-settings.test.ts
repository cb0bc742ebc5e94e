import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config-error.js';
import { parseZendeskSettings } from '../../../src/adapters/ticket/zendesk-settings.js';

const TOKEN = 'zd-secret-settings-token';

function problems(env: Record<string, string | undefined>): string {
  try {
    parseZendeskSettings(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.ok(!error.message.includes(TOKEN), 'the token must not be quoted');
    return error.message;
  }
  assert.fail('expected the settings to be refused');
}

describe('parseZendeskSettings', () => {
  it('is undefined when nothing is set (notes stay in the timeline)', () => {
    assert.equal(parseZendeskSettings({}), undefined);
    assert.equal(parseZendeskSettings({ ZENDESK_URL: '' }), undefined);
  });

  it('reads the three settings, dropping a trailing slash', () => {
    assert.deepEqual(
      parseZendeskSettings({
        ZENDESK_URL: 'https://example.zendesk.com/',
        ZENDESK_EMAIL: 'agent@example.com',
        ZENDESK_API_TOKEN: TOKEN,
      }),
      { url: 'https://example.zendesk.com', email: 'agent@example.com', apiToken: TOKEN },
    );
  });

  it('names the missing companions', () => {
    const message = problems({ ZENDESK_URL: 'https://example.zendesk.com' });
    assert.match(message, /ZENDESK_EMAIL is missing/);
    assert.match(message, /ZENDESK_API_TOKEN is missing/);
    assert.match(
      problems({ ZENDESK_EMAIL: 'a@b.co', ZENDESK_API_TOKEN: TOKEN }),
      /ZENDESK_URL is missing \(ZENDESK_EMAIL and ZENDESK_API_TOKEN are set/,
    );
  });

  it('allows plain http only for loopback, and refuses paths and bad emails', () => {
    const base = { ZENDESK_EMAIL: 'agent@example.com', ZENDESK_API_TOKEN: TOKEN };
    assert.match(
      problems({ ...base, ZENDESK_URL: 'http://example.zendesk.com' }),
      /ZENDESK_URL must use https/,
    );
    assert.equal(
      parseZendeskSettings({ ...base, ZENDESK_URL: 'http://127.0.0.1:9000' })?.url,
      'http://127.0.0.1:9000',
    );
    assert.equal(
      parseZendeskSettings({ ...base, ZENDESK_URL: 'http://localhost:9000' })?.url,
      'http://localhost:9000',
    );
    assert.match(
      problems({ ...base, ZENDESK_URL: 'https://example.zendesk.com/agent/tickets/1' }),
      /account's address only/,
    );
    assert.match(
      problems({ ...base, ZENDESK_URL: 'https://example.zendesk.com', ZENDESK_EMAIL: 'agent' }),
      /ZENDESK_EMAIL must be an agent's email address/,
    );
  });
});
