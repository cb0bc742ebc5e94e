import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config-error.js';
import { parseGitLabSettings } from '../../../src/adapters/tracker/gitlab-settings.js';

const TOKEN = 'glpat-secret-settings-token';

function problems(env: Record<string, string | undefined>): string {
  try {
    parseGitLabSettings(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.ok(!error.message.includes(TOKEN), 'the token must not be quoted');
    return error.message;
  }
  assert.fail('expected the settings to be refused');
}

describe('parseGitLabSettings', () => {
  it('is undefined when nothing is set (the built-in tracker is used)', () => {
    assert.equal(parseGitLabSettings({}), undefined);
    assert.equal(parseGitLabSettings({ GITLAB_URL: '  ', GITLAB_TOKEN: '' }), undefined);
  });

  it('reads all settings, with the default label', () => {
    assert.deepEqual(
      parseGitLabSettings({
        GITLAB_URL: 'https://gitlab.example.com/',
        GITLAB_TOKEN: TOKEN,
        GITLAB_PROJECT: 'support/emergency-licenses',
      }),
      {
        url: 'https://gitlab.example.com',
        token: TOKEN,
        project: 'support/emergency-licenses',
        labels: ['emergency-license'],
      },
    );
  });

  it('splits labels, accepts a numeric project and strips a pasted /api/v4', () => {
    const settings = parseGitLabSettings({
      GITLAB_URL: 'https://example.com/gitlab/api/v4',
      GITLAB_TOKEN: TOKEN,
      GITLAB_PROJECT: '278964',
      GITLAB_LABELS: 'emergency-license, support::weekend ,,',
    });
    assert.equal(settings?.url, 'https://example.com/gitlab');
    assert.equal(settings?.project, '278964');
    assert.deepEqual(settings?.labels, ['emergency-license', 'support::weekend']);
  });

  it('names the missing companions', () => {
    const message = problems({ GITLAB_URL: 'https://gitlab.example.com' });
    assert.match(message, /GITLAB_TOKEN is missing/);
    assert.match(message, /GITLAB_PROJECT is missing/);
    assert.match(message, /GITLAB_URL is set/);
    assert.match(problems({ GITLAB_TOKEN: TOKEN, GITLAB_PROJECT: '1' }), /GITLAB_URL is missing/);
    assert.match(problems({ GITLAB_LABELS: 'x' }), /GITLAB_LABELS is set but GITLAB_URL/);
  });

  it('refuses plain http except for localhost, and malformed projects', () => {
    const base = { GITLAB_TOKEN: TOKEN, GITLAB_PROJECT: 'a/b' };
    assert.match(
      problems({ ...base, GITLAB_URL: 'http://gitlab.example.com' }),
      /GITLAB_URL must use https/,
    );
    assert.match(
      problems({ ...base, GITLAB_URL: 'gitlab.example.com' }),
      /GITLAB_URL is not a URL/,
    );
    assert.equal(
      parseGitLabSettings({ ...base, GITLAB_URL: 'http://127.0.0.1:8929' })?.url,
      'http://127.0.0.1:8929',
    );
    assert.match(
      problems({
        ...base,
        GITLAB_URL: 'https://gitlab.example.com',
        GITLAB_PROJECT: 'just-a-name',
      }),
      /GITLAB_PROJECT must be a numeric project id or a path/,
    );
  });
});
