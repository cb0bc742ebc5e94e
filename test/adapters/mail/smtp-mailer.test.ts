import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { RemoteFailure } from '../../../src/ports/remote-failure.js';
import { renderLicenseEmail } from '../../../src/adapters/mail/license-email.js';
import type { Mailer } from '../../../src/ports/mailer.js';
import { createSmtpMailer } from '../../../src/adapters/mail/smtp-mailer.js';
import { parseSmtpSettings, type SmtpSettings } from '../../../src/adapters/mail/smtp-settings.js';
import { startFakeSmtpServer, type FakeSmtpServer } from '../../fakes/smtp-server.js';
import { LICENSE_TEXT, sampleLicenseEmail } from './sample-license-email.js';

const PASSWORD = 'Tr0ub4dor&3-horse:battery';

function settings(env: Record<string, string>): SmtpSettings {
  const parsed = parseSmtpSettings({
    LIFELINE_MAIL_FROM: 'GitLab Support <support@support.example.com>',
    SMTP_CONNECTION_TIMEOUT_MS: '2000',
    SMTP_GREETING_TIMEOUT_MS: '2000',
    SMTP_SOCKET_TIMEOUT_MS: '5000',
    ...env,
  });
  assert.ok(parsed);
  return parsed;
}

/** Collects what the mailer logs, to check that no secret ever reaches a log. */
function captureLogger() {
  const lines: string[] = [];
  const record = (object: object, message?: string) => {
    lines.push(JSON.stringify({ ...object, message }));
  };
  return { lines, logger: { info: record, warn: record } };
}

async function failureOf(promise: Promise<unknown>): Promise<RemoteFailure> {
  const error = await promise.then(
    () => assert.fail('expected the send to fail'),
    (failure: unknown) => failure,
  );
  assert.ok(error instanceof RemoteFailure, `not a RemoteFailure: ${String(error)}`);
  return error;
}

/** A port that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the SMTP mailer against a real SMTP server', () => {
  let smtp: FakeSmtpServer;
  let mailer: Mailer;
  const log = captureLogger();
  before(async () => {
    smtp = await startFakeSmtpServer();
    mailer = createSmtpMailer(settings({ SMTP_URL: smtp.url }), { logger: log.logger });
  });
  after(async () => {
    await mailer.close();
    await smtp.stop();
  });

  it('delivers the license email with its parts, headers and a byte-identical attachment', async () => {
    const mail = renderLicenseEmail(sampleLicenseEmail());
    const sent = await mailer.send(mail);
    const [received] = await smtp.waitForMessages(1);
    assert.ok(received);

    assert.equal(sent.messageId, mail.messageId);
    assert.match(sent.receipt, /^250 /);
    assert.deepEqual(received.envelope, {
      mailFrom: 'support@support.example.com',
      rcptTo: ['admin@customer.example'],
    });
    assert.equal(received.messageId, mail.messageId);
    assert.equal(received.subject, mail.subject);
    assert.deepEqual(received.from?.value, [
      { name: 'GitLab Support', address: 'support@support.example.com' },
    ]);
    assert.equal(received.replyTo?.value[0]?.address, 'help@support.example.com');
    assert.equal(
      received.headers.get('x-lifeline-request'),
      '6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10',
    );
    assert.equal(received.text?.trim(), mail.text.trim());
    assert.equal(received.html && received.html.trim(), mail.html.trim());
    assert.equal(received.attachments.length, 1);
    assert.equal(received.attachments[0]?.filename, 'emergency-12345.gitlab-license');
    assert.ok(received.attachments[0]?.content.equals(Buffer.from(LICENSE_TEXT)), 'byte for byte');
    assert.ok(log.lines.some((line) => line.includes('email sent')));
  });

  it('reports a 450 as transient, and the next attempt goes through', async () => {
    smtp.failNext(450, 'Mailbox busy, try again later');
    const before = smtp.messages.length;
    const failure = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    assert.equal(failure.kind, 'transient');
    assert.equal(failure.retryable, true);
    assert.equal(failure.code, 'SMTP_TEMPORARY_FAILURE');
    assert.equal(failure.remoteReply, '450 Mailbox busy, try again later');
    assert.equal(smtp.messages.length, before);

    await mailer.send(renderLicenseEmail(sampleLicenseEmail()));
    await smtp.waitForMessages(before + 1);
  });

  it('reports a refused recipient (550 at RCPT) as permanent, with the reply', async () => {
    smtp.failNext(550, '5.1.1 <admin@customer.example>: no such user here');
    const failure = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    assert.equal(failure.kind, 'permanent');
    assert.equal(failure.code, 'SMTP_RECIPIENT_REFUSED');
    assert.equal(failure.remoteReply, '550 5.1.1 <admin@customer.example>: no such user here');
    assert.match(failure.message, /refused the recipient.*no such user here/);
  });

  it('reports a message refused after DATA by its reply class', async () => {
    smtp.failNext(554, '5.7.1 Message rejected as spam', 1, 'data');
    const rejected = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    assert.equal(rejected.kind, 'permanent');
    assert.equal(rejected.code, 'SMTP_REJECTED');
    assert.equal(rejected.remoteReply, '554 5.7.1 Message rejected as spam');

    smtp.failNext(451, '4.3.0 Local error in processing', 1, 'data');
    const deferred = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    assert.equal(deferred.kind, 'transient');
    assert.equal(deferred.remoteReply, '451 4.3.0 Local error in processing');
  });

  it('reports a sender the server refuses for good as our configuration', async () => {
    smtp.failNext(553, '5.7.1 Sender address rejected: not owned by user', 1, 'mail');
    const failure = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    assert.equal(failure.kind, 'configuration');
    assert.equal(failure.code, 'SMTP_SENDER_REFUSED');
    assert.match(failure.message, /LIFELINE_MAIL_FROM/);
    assert.equal(failure.remoteReply, '553 5.7.1 Sender address rejected: not owned by user');
  });

  it('reports itself ready and sends the doctor test message', async () => {
    const before = smtp.messages.length;
    const rows = await mailer.check({ sendTestTo: 'ops@example.org' });
    assert.deepEqual(
      rows.map((row) => [row.name, row.ok]),
      [
        ['SMTP server', true],
        ['SMTP test message', true],
      ],
    );
    assert.match(rows[0]?.detail ?? '', new RegExp(`Connected to ${smtp.url}`));
    const messages = await smtp.waitForMessages(before + 1);
    assert.deepEqual(messages.at(-1)?.envelope.rcptTo, ['ops@example.org']);
    assert.match(messages.at(-1)?.subject ?? '', /email delivery works/);
  });

  it('sends without the pool too', async () => {
    const single = createSmtpMailer(settings({ SMTP_URL: smtp.url, SMTP_POOL: 'false' }));
    const before = smtp.messages.length;
    await single.send(renderLicenseEmail(sampleLicenseEmail({ deliveryId: 'single' })));
    await single.close();
    const messages = await smtp.waitForMessages(before + 1);
    assert.match(messages.at(-1)?.messageId ?? '', /\.single@/);
  });

  it('refuses to send in clear text when STARTTLS is required and not offered', async () => {
    const strict = createSmtpMailer(settings({ SMTP_URL: smtp.url, SMTP_REQUIRE_TLS: 'true' }));
    const failure = await failureOf(strict.send(renderLicenseEmail(sampleLicenseEmail())));
    await strict.close();
    assert.equal(failure.kind, 'configuration');
    assert.equal(failure.code, 'SMTP_TLS_FAILED');
    assert.match(failure.message, /SMTP_REQUIRE_TLS/);
  });
});

describe('the pooled SMTP mailer in a batch', () => {
  let server: SMTPServer;
  let port: number;
  let connections = 0;
  let greetings = 0;
  let received = 0;
  before(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 50,
      onConnect(_session, callback) {
        connections += 1;
        callback();
      },
      onMailFrom(_address, session, callback) {
        // One EHLO per connection: a message on a reused connection greets no one again.
        if (session.transaction === 1) greetings += 1;
        callback();
      },
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          received += 1;
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends 30 messages, three at a time as the email step does, over at most three connections', async () => {
    const pooled = createSmtpMailer(
      settings({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_REQUIRE_TLS: 'false' }),
    );
    for (let wave = 0; wave < 10; wave += 1)
      await Promise.all(
        [0, 1, 2].map((slot) =>
          pooled.send(
            renderLicenseEmail(sampleLicenseEmail({ deliveryId: `pool-${wave}-${slot}` })),
          ),
        ),
      );
    await pooled.close();
    assert.equal(received, 30);
    assert.ok(connections <= 3, `${connections} connections for 30 messages`);
    assert.equal(greetings, connections);
  });
});

describe('the SMTP mailer against a server whose certificate does not verify', () => {
  let server: SMTPServer;
  before(async () => {
    // smtp-server's built-in certificate is self-signed for localhost: no client should trust it.
    server = new SMTPServer({ authOptional: true, logger: false, closeTimeout: 50 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reports it as configuration rather than retrying forever', async () => {
    const { port } = server.server.address() as AddressInfo;
    const mailer = createSmtpMailer(
      settings({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_REQUIRE_TLS: 'true' }),
    );
    const failure = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    await mailer.close();
    assert.equal(failure.kind, 'configuration');
    assert.equal(failure.code, 'SMTP_TLS_CERTIFICATE');
    assert.match(failure.message, /certificate/);
  });
});

describe('the SMTP mailer with authentication', () => {
  let smtp: FakeSmtpServer;
  const log = captureLogger();
  const mailers: Mailer[] = [];
  function mailerFor(env: Record<string, string>): Mailer {
    const mailer = createSmtpMailer(settings(env), { logger: log.logger });
    mailers.push(mailer);
    return mailer;
  }
  before(async () => {
    smtp = await startFakeSmtpServer({ auth: { user: 'lifeline', pass: PASSWORD } });
  });
  after(async () => {
    await Promise.all(mailers.map((mailer) => mailer.close()));
    await smtp.stop();
  });

  it('authenticates with SMTP_USER and SMTP_PASSWORD', async () => {
    const mailer = mailerFor({
      SMTP_URL: smtp.url,
      SMTP_USER: 'lifeline',
      SMTP_PASSWORD: PASSWORD,
    });
    await mailer.send(renderLicenseEmail(sampleLicenseEmail({ deliveryId: 'env' })));
    const messages = await smtp.waitForMessages(1);
    assert.equal(messages.at(-1)?.authenticatedUser, 'lifeline');
  });

  it('authenticates with the user and password in SMTP_URL', async () => {
    const url = `smtp://lifeline:${encodeURIComponent(PASSWORD)}@127.0.0.1:${smtp.port}`;
    const mailer = mailerFor({ SMTP_URL: url });
    const before = smtp.messages.length;
    await mailer.send(renderLicenseEmail(sampleLicenseEmail({ deliveryId: 'url' })));
    const messages = await smtp.waitForMessages(before + 1);
    assert.equal(messages.at(-1)?.authenticatedUser, 'lifeline');
    assert.match(messages.at(-1)?.messageId ?? '', /\.url@/);
  });

  it('reports a wrong password as configuration, naming the settings and never the password', async () => {
    const wrong = `${PASSWORD}-wrong`;
    const mailer = mailerFor({
      SMTP_URL: `smtp://lifeline:${encodeURIComponent(wrong)}@127.0.0.1:${smtp.port}`,
    });
    const failure = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    assert.equal(failure.kind, 'configuration');
    assert.equal(failure.code, 'SMTP_AUTH_FAILED');
    assert.match(failure.message, /SMTP_USER/);
    assert.match(failure.message, /SMTP_PASSWORD/);
    assert.match(failure.remoteReply ?? '', /^535 /);

    const [row] = await mailer.check();
    assert.equal(row?.ok, false);
    assert.match(row?.detail ?? '', /SMTP_PASSWORD/);

    const everything = [
      failure.message,
      failure.remoteReply,
      failure.stack,
      JSON.stringify(failure),
      JSON.stringify(failure.cause),
      JSON.stringify(row),
      ...log.lines,
    ].join('\n');
    for (const secret of [wrong, PASSWORD, encodeURIComponent(wrong)]) {
      assert.ok(!everything.includes(secret), `the password leaked: ${secret}`);
    }
  });

  it('reports a server that wants credentials we do not have as configuration', async () => {
    const mailer = mailerFor({ SMTP_URL: smtp.url });
    const failure = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    assert.equal(failure.kind, 'configuration');
    assert.equal(failure.code, 'SMTP_AUTH_REQUIRED');
    assert.match(failure.message, /SMTP_USER and SMTP_PASSWORD/);
  });

  it('scrubs the password even from a server reply that repeats it', async () => {
    const mailer = mailerFor({
      SMTP_URL: smtp.url,
      SMTP_USER: 'lifeline',
      SMTP_PASSWORD: PASSWORD,
    });
    smtp.failNext(550, `rejected, your password is ${PASSWORD}`);
    const failure = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    assert.equal(failure.kind, 'permanent');
    assert.equal(failure.remoteReply, '550 rejected, your password is ***');
    assert.ok(!`${failure.message}${failure.stack}`.includes(PASSWORD));
  });
});

describe('the SMTP mailer when the server cannot be reached', () => {
  let silent: Server;
  before(async () => {
    // Accepts connections and never says a word: a stuck server.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('reports a refused connection as transient, and check() as not ready', async () => {
    const port = await closedPort();
    const mailer = createSmtpMailer(settings({ SMTP_URL: `smtp://127.0.0.1:${port}` }));
    const failure = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    assert.equal(failure.kind, 'transient');
    assert.equal(failure.code, 'SMTP_CONNECTION_FAILED');
    assert.match(failure.message, /ECONNREFUSED/);

    const rows = await mailer.check({ sendTestTo: 'ops@example.org' });
    assert.equal(rows.length, 1, 'no test message without a server');
    assert.equal(rows[0]?.ok, false);
    assert.match(rows[0]?.fix ?? '', /SMTP_URL/);
    await mailer.close();
  });

  it('reports a server that never greets as transient after the greeting timeout', async () => {
    const { port } = silent.address() as AddressInfo;
    const mailer = createSmtpMailer(
      settings({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_GREETING_TIMEOUT_MS: '200' }),
    );
    const started = Date.now();
    const failure = await failureOf(mailer.send(renderLicenseEmail(sampleLicenseEmail())));
    await mailer.close();
    assert.equal(failure.kind, 'transient');
    assert.equal(failure.code, 'SMTP_TIMEOUT');
    // Far below the 30 s default greeting timeout, with room for a loaded machine.
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});

describe('the SMTP mailer with DKIM', () => {
  let smtp: FakeSmtpServer;
  let directory: string;
  before(async () => {
    smtp = await startFakeSmtpServer();
    directory = await mkdtemp(join(tmpdir(), 'lifeline-dkim-'));
  });
  after(async () => {
    await smtp.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('signs every message with the configured domain and selector', async () => {
    const keyFile = join(directory, 'dkim.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const mailer = createSmtpMailer(
      settings({
        SMTP_URL: smtp.url,
        DKIM_DOMAIN: 'support.example.com',
        DKIM_SELECTOR: 'lifeline2026',
        DKIM_PRIVATE_KEY_FILE: keyFile,
      }),
    );
    const rows = await mailer.check();
    assert.deepEqual(
      rows.map((row) => [row.name, row.ok]),
      [
        ['DKIM signing', true],
        ['SMTP server', true],
      ],
    );
    await mailer.send(renderLicenseEmail(sampleLicenseEmail()));
    await mailer.close();
    const [received] = await smtp.waitForMessages(1);
    const signature =
      received?.headerLines.find((header) => header.key === 'dkim-signature')?.line ?? '';
    assert.match(signature, /d=support\.example\.com/);
    assert.match(signature, /s=lifeline2026/);
  });

  it('refuses to start with a DKIM key file that is missing or not a key', async () => {
    const garbage = join(directory, 'garbage.pem');
    await writeFile(garbage, 'not a key');
    for (const [file, code] of [
      [join(directory, 'missing.pem'), 'DKIM_KEY_UNREADABLE'],
      [garbage, 'DKIM_KEY_INVALID'],
    ] as const) {
      assert.throws(
        () =>
          createSmtpMailer(
            settings({
              SMTP_URL: smtp.url,
              DKIM_DOMAIN: 'support.example.com',
              DKIM_SELECTOR: 'lifeline2026',
              DKIM_PRIVATE_KEY_FILE: file,
            }),
          ),
        (error: unknown) =>
          error instanceof RemoteFailure && error.kind === 'configuration' && error.code === code,
      );
    }
  });
});
