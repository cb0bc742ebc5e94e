import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config-error.js';
import { parseSmtpSettings, smtpEnvSchema } from '../../../src/adapters/mail/smtp-settings.js';

const FROM = 'GitLab Support <support@example.com>';

function issuesOf(env: Record<string, string | undefined>): string[] {
  try {
    parseSmtpSettings(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  return assert.fail('expected ConfigError');
}

describe('parseSmtpSettings', () => {
  it('returns undefined when SMTP_URL is unset or empty: mail goes to the outbox', () => {
    assert.equal(parseSmtpSettings({}), undefined);
    assert.equal(parseSmtpSettings({ SMTP_URL: '  ', LIFELINE_MAIL_FROM: FROM }), undefined);
  });

  it('applies the defaults for smtp://: port 587, STARTTLS required, pooled, 10/10/30 s', () => {
    const settings = parseSmtpSettings({
      SMTP_URL: 'smtp://mail.example.com',
      LIFELINE_MAIL_FROM: FROM,
    });
    assert.deepEqual(settings, {
      server: 'smtp://mail.example.com:587',
      host: 'mail.example.com',
      port: 587,
      secure: false,
      from: FROM,
      requireTls: true,
      pool: true,
      timeouts: { connectionMs: 10_000, greetingMs: 10_000, socketMs: 30_000, sendMs: 60_000 },
    });
  });

  it('uses TLS from the start on port 465 for smtps://', () => {
    const settings = parseSmtpSettings({
      SMTP_URL: 'smtps://mail.example.com',
      LIFELINE_MAIL_FROM: FROM,
    });
    assert.equal(settings?.secure, true);
    assert.equal(settings?.port, 465);
    assert.equal(settings?.requireTls, false, 'STARTTLS does not apply to implicit TLS');
  });

  it('does not require STARTTLS on a loopback relay unless told to', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
      const settings = parseSmtpSettings({
        SMTP_URL: `smtp://${host}:2525`,
        LIFELINE_MAIL_FROM: FROM,
      });
      assert.equal(settings?.requireTls, false, host);
    }
    const strict = parseSmtpSettings({
      SMTP_URL: 'smtp://127.0.0.1:2525',
      LIFELINE_MAIL_FROM: FROM,
      SMTP_REQUIRE_TLS: 'true',
    });
    assert.equal(strict?.requireTls, true);
    const relaxed = parseSmtpSettings({
      SMTP_URL: 'smtp://relay.internal',
      LIFELINE_MAIL_FROM: FROM,
      SMTP_REQUIRE_TLS: 'false',
    });
    assert.equal(relaxed?.requireTls, false);
  });

  it('reads credentials from the URL, decoded, and lets SMTP_USER / SMTP_PASSWORD override them', () => {
    const fromUrl = parseSmtpSettings({
      SMTP_URL: `smtp://mailer%40example.com:${encodeURIComponent('p@ss:w/rd')}@mail.example.com:2587`,
      LIFELINE_MAIL_FROM: FROM,
    });
    assert.equal(fromUrl?.user, 'mailer@example.com');
    assert.equal(fromUrl?.password, 'p@ss:w/rd');
    assert.equal(
      fromUrl?.server,
      'smtp://mail.example.com:2587',
      'no credentials in the display form',
    );

    const overridden = parseSmtpSettings({
      SMTP_URL: 'smtp://old:old@mail.example.com',
      SMTP_USER: 'new-user',
      SMTP_PASSWORD: 'new-secret',
      LIFELINE_MAIL_FROM: FROM,
    });
    assert.equal(overridden?.user, 'new-user');
    assert.equal(overridden?.password, 'new-secret');
  });

  it('reads the pool switch, the timeouts, Reply-To and DKIM', () => {
    const settings = parseSmtpSettings({
      SMTP_URL: 'smtp://mail.example.com',
      LIFELINE_MAIL_FROM: FROM,
      LIFELINE_MAIL_REPLY_TO: 'help@example.com',
      SMTP_POOL: 'false',
      SMTP_CONNECTION_TIMEOUT_MS: '2500',
      SMTP_GREETING_TIMEOUT_MS: '3000',
      SMTP_SOCKET_TIMEOUT_MS: '4000',
      SMTP_SEND_TIMEOUT_MS: '9000',
      DKIM_DOMAIN: 'example.com',
      DKIM_SELECTOR: 'lifeline',
      DKIM_PRIVATE_KEY_FILE: '/etc/lifeline/dkim.pem',
    });
    assert.equal(settings?.pool, false);
    assert.equal(settings?.replyTo, 'help@example.com');
    assert.deepEqual(settings?.timeouts, {
      connectionMs: 2500,
      greetingMs: 3000,
      socketMs: 4000,
      sendMs: 9000,
    });
    assert.deepEqual(settings?.dkim, {
      domain: 'example.com',
      selector: 'lifeline',
      privateKeyFile: '/etc/lifeline/dkim.pem',
    });
  });

  it('names SMTP_URL when it is not smtp:// or smtps://, without echoing its password', () => {
    const issues = issuesOf({
      SMTP_URL: 'https://user:hunter2secret@mail.example.com',
      LIFELINE_MAIL_FROM: FROM,
    });
    assert.equal(issues.length, 1);
    assert.match(issues[0] ?? '', /^SMTP_URL must be smtp:\/\/ or smtps:\/\//);
    assert.doesNotMatch(issues.join('\n'), /hunter2secret/);
    assert.match(issuesOf({ SMTP_URL: 'not a url' })[0] ?? '', /^SMTP_URL must be/);
  });

  it('requires LIFELINE_MAIL_FROM with SMTP, as one address', () => {
    assert.match(
      issuesOf({ SMTP_URL: 'smtp://mail.example.com' }).join('\n'),
      /LIFELINE_MAIL_FROM is required/,
    );
    assert.match(
      issuesOf({
        SMTP_URL: 'smtp://mail.example.com',
        LIFELINE_MAIL_FROM: 'a@x.example, b@x.example',
      }).join('\n'),
      /LIFELINE_MAIL_FROM must be one email address/,
    );
  });

  it('lists every problem at once, each naming its variable', () => {
    const issues = issuesOf({
      SMTP_URL: 'smtp://mail.example.com',
      SMTP_USER: 'mailer',
      SMTP_POOL: 'maybe',
      SMTP_SOCKET_TIMEOUT_MS: 'soon',
    });
    assert.equal(issues.length, 2, issues.join('\n'));
    assert.match(issues.join('\n'), /SMTP_POOL must be true or false/);
    assert.match(issues.join('\n'), /SMTP_SOCKET_TIMEOUT_MS must be a number of milliseconds/);

    const crossField = issuesOf({
      SMTP_URL: 'smtp://mail.example.com',
      SMTP_USER: 'mailer',
      DKIM_DOMAIN: 'example.com',
    });
    assert.match(crossField.join('\n'), /SMTP_PASSWORD is required/);
    assert.match(crossField.join('\n'), /LIFELINE_MAIL_FROM is required/);
    assert.match(crossField.join('\n'), /DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE missing/);
  });

  it('refuses SMTP credentials without SMTP_URL, which is most likely a typo in its name', () => {
    assert.match(
      issuesOf({ SMTP_USER: 'mailer', SMTP_PASSWORD: 'x' })[0] ?? '',
      /SMTP_USER, SMTP_PASSWORD are set but SMTP_URL is not/,
    );
  });

  it('exports a plain object schema that merges into a larger configuration schema', () => {
    const merged = smtpEnvSchema.extend({ PORT: smtpEnvSchema.shape.SMTP_SOCKET_TIMEOUT_MS });
    const parsed = merged.parse({
      SMTP_URL: 'smtp://mail.example.com',
      PORT: '8080',
      UNRELATED: 'x',
    });
    assert.equal(parsed.PORT, 8080);
    assert.equal(parsed.SMTP_URL, 'smtp://mail.example.com');
  });
});
