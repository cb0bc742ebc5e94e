import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import nodemailer, { type SMTPTransportOptions } from 'nodemailer';
import type { Logger } from 'pino';
import { RemoteFailure, type ReadinessCheck } from '../../ports/remote-failure.js';
import type { Mailer, OutgoingMail, SentMail } from '../../ports/mailer.js';
import { toNodemailerMessage } from './mime-message.js';
import { classifySmtpError, scrubSecrets, type SmtpErrorContext } from './smtp-error.js';
import type { SmtpSettings } from './smtp-settings.js';
import { renderTestEmail } from './test-email.js';

export interface SmtpMailerOptions {
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Connections kept open by the pool: as many as the email step has slots per worker (3), so in
 * a batch every slot has a connection that already did its greeting (EHLO, STARTTLS, AUTH) and
 * a message never waits in nodemailer's queue behind another, where its send deadline would run
 * out while it was not even being sent. A handful of messages an hour use one of them.
 */
const MAX_POOLED_CONNECTIONS = 3;

/**
 * Messages one connection carries before the pool replaces it (nodemailer's default, stated):
 * servers limit messages per session, and a long-lived session would carry a stale TLS state.
 */
const MAX_MESSAGES_PER_CONNECTION = 100;

/**
 * Sends mail through an SMTP server with nodemailer. Every failure comes out as a
 * `RemoteFailure` sorted by `classifySmtpError`, with no password in it.
 * Throws a `configuration` RemoteFailure at once when the DKIM key file cannot be used.
 */
export function createSmtpMailer(settings: SmtpSettings, options: SmtpMailerOptions = {}): Mailer {
  const { logger } = options;
  const context: SmtpErrorContext = {
    server: settings.server,
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.password !== undefined ? { password: settings.password } : {}),
  };
  const transportOptions: SMTPTransportOptions = {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    ...(settings.user !== undefined
      ? { auth: { user: settings.user, pass: settings.password ?? '' } }
      : {}),
    connectionTimeout: settings.timeouts.connectionMs,
    greetingTimeout: settings.timeouts.greetingMs,
    socketTimeout: settings.timeouts.socketMs,
    ...(settings.dkim
      ? {
          dkim: {
            domainName: settings.dkim.domain,
            keySelector: settings.dkim.selector,
            privateKey: readDkimKey(settings.dkim.privateKeyFile),
          },
        }
      : {}),
    // nodemailer's own transcript logging would print the AUTH exchange: keep it off.
    logger: false,
    debug: false,
  };
  const transporter = settings.pool
    ? nodemailer.createTransport({
        ...transportOptions,
        pool: true,
        maxConnections: MAX_POOLED_CONNECTIONS,
        maxMessages: MAX_MESSAGES_PER_CONNECTION,
      })
    : nodemailer.createTransport(transportOptions);

  async function send(mail: OutgoingMail): Promise<SentMail> {
    try {
      const info = await withDeadline(
        (signal) => transporter.sendMail({ ...toNodemailerMessage(mail), signal }),
        settings.timeouts.sendMs,
        settings.server,
      );
      const receipt = scrubSecrets(info.response.trim(), context);
      logger?.info({ messageId: mail.messageId, server: settings.server, receipt }, 'email sent');
      return { messageId: mail.messageId, receipt };
    } catch (error) {
      const failure = classifySmtpError(error, context);
      logger?.warn(
        {
          messageId: mail.messageId,
          server: settings.server,
          kind: failure.kind,
          code: failure.code,
          remoteReply: failure.remoteReply,
        },
        failure.message,
      );
      throw failure;
    }
  }

  function fixFor(failure: RemoteFailure): string {
    if (failure.kind === 'configuration') return `Fix the setting named above (${failure.code}).`;
    if (failure.kind === 'permanent') return 'Read the server reply above: it refused the message.';
    return `Check that ${settings.server} is reachable from this machine and that SMTP_URL has the right host and port.`;
  }

  return {
    name: 'smtp',
    send,
    async check(checkOptions = {}) {
      const rows: ReadinessCheck[] = [];
      if (settings.dkim) {
        rows.push({
          name: 'DKIM signing',
          ok: true,
          detail: `Messages are signed for ${settings.dkim.domain} with selector ${settings.dkim.selector}.`,
        });
      }
      try {
        await transporter.verify();
        rows.push({
          name: 'SMTP server',
          ok: true,
          detail: `Connected to ${settings.server} (${tlsMode(settings)}) and ${
            settings.user ? `authenticated as ${settings.user}` : 'sent no credentials'
          }; mail goes out from ${settings.from}.`,
        });
      } catch (error) {
        const failure = classifySmtpError(error, context);
        rows.push({
          name: 'SMTP server',
          ok: false,
          detail: failure.message,
          fix: fixFor(failure),
        });
        return rows;
      }
      if (checkOptions.sendTestTo) {
        try {
          const sent = await send(
            renderTestEmail({
              from: checkOptions.from ?? settings.from,
              to: checkOptions.sendTestTo,
              ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
              sentAt: new Date(),
              hostName: hostname(),
            }),
          );
          rows.push({
            name: 'SMTP test message',
            ok: true,
            detail: `Sent to ${checkOptions.sendTestTo}; the server answered: ${sent.receipt}`,
          });
        } catch (error) {
          const failure = classifySmtpError(error, context);
          rows.push({
            name: 'SMTP test message',
            ok: false,
            detail: failure.message,
            fix: fixFor(failure),
          });
        }
      }
      return rows;
    },
    close() {
      transporter.close();
      return Promise.resolve();
    },
  };
}

function tlsMode(settings: SmtpSettings): string {
  if (settings.secure) return 'TLS';
  return settings.requireTls ? 'STARTTLS required' : 'STARTTLS when offered';
}

/** Read and parsed once at start, so a bad key stops the service instead of every message. */
function readDkimKey(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new RemoteFailure(
      'configuration',
      `DKIM_PRIVATE_KEY_FILE ${file} cannot be read (${code})`,
      { code: 'DKIM_KEY_UNREADABLE' },
    );
  }
  try {
    createPrivateKey(pem);
  } catch {
    throw new RemoteFailure(
      'configuration',
      `DKIM_PRIVATE_KEY_FILE ${file} does not hold a PEM private key`,
      { code: 'DKIM_KEY_INVALID' },
    );
  }
  return pem;
}

/**
 * A hard deadline for the whole send. The connection, greeting and socket timeouts each restart
 * with every byte, and a message queued behind a pooled connection has none of its own: a server
 * that answers slowly enough could hold a worker's slot for ever. Past the deadline the attempt
 * is a transient failure and the job retries with backoff.
 *
 * Giving up must also take the message back from nodemailer: its pool keeps a message until it
 * is sent, in its queue behind busy connections, or put back on the queue when the connection
 * carrying it is cut (up to five times). Left there, it goes out when the hung server recovers
 * and the retry sends it again (the chaos run's duplicate emails, issue 14). Aborting the send
 * takes it out of the queue, or closes its connection without putting it back. What is left is
 * a server that took the whole message and answered too late: the same Message-ID then lets a
 * mail system fold the two copies.
 */
async function withDeadline<T>(
  send: (signal: AbortSignal) => Promise<T>,
  deadlineMs: number,
  server: string,
): Promise<T> {
  const giveUp = new AbortController();
  const sending = send(giveUp.signal);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Rejected before the abort, so the race settles on this error and not on the AbortError.
      reject(
        new RemoteFailure(
          'transient',
          `${server} did not finish taking the message within ${Math.round(deadlineMs / 1000)} s (SMTP_SEND_TIMEOUT_MS)`,
          { code: 'SMTP_TIMEOUT' },
        ),
      );
      giveUp.abort();
    }, deadlineMs);
    timer.unref();
  });
  try {
    return await Promise.race([sending, deadline]);
  } finally {
    clearTimeout(timer);
    sending.catch(() => undefined);
  }
}
