/**
 * A real SMTP server for tests, in the test's own process, on 127.0.0.1 and a free port.
 *
 *   const smtp = await startFakeSmtpServer();              // or { auth: { user, pass } }
 *   t.after(() => smtp.stop());
 *   // point Lifeline at smtp.url (smtp://127.0.0.1:PORT, no TLS: it is loopback)
 *   const [mail] = await smtp.waitForMessages(1);
 *   mail.subject; mail.text; mail.html; mail.attachments[0].content; mail.headers.get('x-lifeline-request');
 *   mail.envelope.rcptTo; mail.raw (the bytes as received)
 *   smtp.failNext(450, 'Try again later');                 // next RCPT TO gets "450 Try again later"
 *   smtp.failNext(550, 'No such user', 1, 'data');         // or fail at the end of DATA
 *
 * With `auth`, the server requires AUTH PLAIN or LOGIN with exactly that user and password and
 * answers anything else with `535 Authentication failed`. STARTTLS is not offered.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface FakeSmtpServerOptions {
  auth?: { user: string; pass: string };
}

/** A message as the server received it: mailparser's view plus the envelope and the raw bytes. */
export interface ReceivedMail extends ParsedMail {
  envelope: { mailFrom: string | undefined; rcptTo: string[] };
  /** The user who authenticated, when the server asked for AUTH. */
  authenticatedUser: string | undefined;
  raw: Buffer;
}

/** The SMTP command that answers with the planned failure. */
export type FailurePoint = 'mail' | 'rcpt' | 'data';

export interface FakeSmtpServer {
  port: number;
  /** `smtp://127.0.0.1:PORT`, without credentials. */
  url: string;
  /** Every accepted message, in order of arrival. */
  messages: ReceivedMail[];
  /** Resolves with `messages` once there are at least `count`; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Answer the next `times` commands at `at` (default RCPT TO) with `code message`. */
  failNext(code: number, message: string, times?: number, at?: FailurePoint): void;
  /** Accept each message `ms` after its data ends, like a relay far away or under load. */
  slowDown(ms: number): void;
  /** Closes the server, dropping any connection a client left open. */
  stop(): Promise<void>;
}

interface PlannedFailure {
  code: number;
  message: string;
  remaining: number;
  at: FailurePoint;
}

export async function startFakeSmtpServer(
  options: FakeSmtpServerOptions = {},
): Promise<FakeSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const failures: PlannedFailure[] = [];
  let delayMs = 0;

  /** The planned error for this command, if any, counted down as it is used. */
  function plannedFailure(at: FailurePoint): Error | undefined {
    const failure = failures.find((candidate) => candidate.at === at && candidate.remaining > 0);
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining === 0) failures.splice(failures.indexOf(failure), 1);
    return smtpError(failure.code, failure.message);
  }

  const serverOptions: SMTPServerOptions = {
    logger: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    // Clients with pooled connections would otherwise hold stop() for 30 s.
    closeTimeout: 50,
    onAuth(auth, _session, callback) {
      if (
        options.auth &&
        auth.username === options.auth.user &&
        auth.password === options.auth.pass
      ) {
        callback(null, { user: auth.username });
      } else {
        callback(smtpError(535, 'Authentication failed'));
      }
    },
    onMailFrom(_address, _session, callback) {
      callback(plannedFailure('mail') ?? null);
    },
    onRcptTo(_address, _session, callback) {
      callback(plannedFailure('rcpt') ?? null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const failure = plannedFailure('data');
        if (failure) {
          callback(failure);
          return;
        }
        const raw = Buffer.concat(chunks);
        const envelope = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          rcptTo: session.envelope.rcptTo.map((recipient) => recipient.address),
        };
        const authenticatedUser = typeof session.user === 'string' ? session.user : undefined;
        simpleParser(raw).then(
          (parsed) => {
            const accept = () => {
              messages.push(Object.assign(parsed, { envelope, authenticatedUser, raw }));
              for (const wake of waiters) wake();
              callback(null);
            };
            if (delayMs > 0) setTimeout(accept, delayMs);
            else accept();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client that hangs up rudely must not crash the test process.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitForMessages(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const wake = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new Error(
              `Fake SMTP server: ${messages.length} of ${count} messages after ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        waiters.add(wake);
        wake();
      });
    },
    failNext(code, message, times = 1, at = 'rcpt') {
      failures.push({ code, message, remaining: times, at });
    },
    slowDown(ms) {
      delayMs = ms;
    },
    stop() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** smtp-server answers an error that has `responseCode` with that code and the message. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}
