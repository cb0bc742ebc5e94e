/**
 * The send deadline (SMTP_SEND_TIMEOUT_MS) against a server that hangs and then recovers, the
 * chaos run's duplicate email (issue 14): a message the mailer gave up on must not go out later
 * by itself, or the job's retry makes it two. The server is the SMTP fake behind the chaos run's
 * fault proxy (bench/chaos/fault-proxy.ts), which holds every connection silent and cuts them
 * when it lets bytes through again, as a rebooted server would.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../../../bench/chaos/fault-proxy.js';
import { RemoteFailure } from '../../../src/ports/remote-failure.js';
import { renderLicenseEmail } from '../../../src/adapters/mail/license-email.js';
import type { Mailer, OutgoingMail } from '../../../src/ports/mailer.js';
import { createSmtpMailer } from '../../../src/adapters/mail/smtp-mailer.js';
import { parseSmtpSettings } from '../../../src/adapters/mail/smtp-settings.js';
import { startFakeSmtpServer, type FakeSmtpServer } from '../../fakes/smtp-server.js';
import { sampleLicenseEmail } from './sample-license-email.js';

/**
 * After the proxy recovers, nodemailer puts a message whose connection was cut back on its
 * queue within about 200 ms (50 ms, then a 50 ms back-off, then a 100 ms poll): a copy that was
 * going to go out late has arrived well within this.
 */
const lateCopyWindowMs = 1_500;

function mailerBehind(proxy: FaultProxy, pool: boolean): Mailer {
  const settings = parseSmtpSettings({
    SMTP_URL: `smtp://127.0.0.1:${proxy.port}`,
    SMTP_POOL: String(pool),
    LIFELINE_MAIL_FROM: 'GitLab Support <support@support.example.com>',
    // Only the whole-send deadline gives up here: the per-step timeouts are far longer.
    SMTP_CONNECTION_TIMEOUT_MS: '20000',
    SMTP_GREETING_TIMEOUT_MS: '20000',
    SMTP_SOCKET_TIMEOUT_MS: '20000',
    SMTP_SEND_TIMEOUT_MS: '700',
  });
  assert.ok(settings);
  return createSmtpMailer(settings);
}

function licenseEmail(deliveryId: string): OutgoingMail {
  return renderLicenseEmail(sampleLicenseEmail({ deliveryId }));
}

async function timedOut(sending: Promise<unknown>): Promise<void> {
  const failure = await sending.then(
    () => assert.fail('expected the deadline to pass'),
    (error: unknown) => error,
  );
  assert.ok(failure instanceof RemoteFailure, `not a RemoteFailure: ${String(failure)}`);
  assert.equal(failure.code, 'SMTP_TIMEOUT');
  assert.equal(failure.kind, 'transient');
}

/**
 * How many copies of each Message-ID the server accepted, once a late copy would have arrived.
 * Nothing marks the absence of a message: the window is waited out (see lateCopyWindowMs).
 */
async function copiesById(smtp: FakeSmtpServer): Promise<Record<string, number>> {
  await smtp.waitForMessages(smtp.messages.length + 1, lateCopyWindowMs).catch(() => undefined);
  const copies: Record<string, number> = {};
  for (const mail of smtp.messages) {
    const id = mail.messageId ?? '';
    copies[id] = (copies[id] ?? 0) + 1;
  }
  return copies;
}

for (const pool of [true, false]) {
  describe(`a send given up on at its deadline (${pool ? 'pooled' : 'one connection a message'})`, () => {
    let smtp: FakeSmtpServer;
    let proxy: FaultProxy;
    let mailer: Mailer;
    beforeEach(async () => {
      smtp = await startFakeSmtpServer();
      proxy = await startFaultProxy(smtp.port);
      mailer = mailerBehind(proxy, pool);
    });
    afterEach(async () => {
      await mailer.close();
      await proxy.stop();
      await smtp.stop();
    });

    it('is not sent when the hung server recovers: the retry is the only copy', async () => {
      // A first message leaves a pooled connection open, so the hang catches one mid-session.
      await mailer.send(licenseEmail('warm'));
      await smtp.waitForMessages(1);

      await proxy.setMode('hang');
      await timedOut(mailer.send(licenseEmail('hung')));
      await proxy.setMode('pass');

      // The job's retry, under the same Message-ID.
      await mailer.send(licenseEmail('hung'));
      await smtp.waitForMessages(2);
      const copies = await copiesById(smtp);
      assert.deepEqual(Object.values(copies), [1, 1], JSON.stringify(copies));
    });

    it('drops the messages still waiting for a connection, so their retries are the only copies', async () => {
      await proxy.setMode('hang');
      // More messages than the pool has connections: some wait in nodemailer's queue.
      const ids = ['q1', 'q2', 'q3', 'q4', 'q5'];
      await Promise.all(ids.map((id) => timedOut(mailer.send(licenseEmail(id)))));
      await proxy.setMode('pass');

      for (const id of ids) await mailer.send(licenseEmail(id));
      await smtp.waitForMessages(ids.length);
      const copies = await copiesById(smtp);
      assert.deepEqual(
        Object.values(copies),
        ids.map(() => 1),
        JSON.stringify(copies),
      );
    });
  });
}
