import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import { RemoteFailure, type ReadinessCheck } from '../../ports/remote-failure.js';
import type { Mailer, OutgoingMail, SentMail } from '../../ports/mailer.js';
import { toNodemailerMessage } from './mime-message.js';
import { messageIdToken, parseLicenseMessageId } from './message-id.js';
import { DEFAULT_OUTBOX_MAIL_FROM } from './smtp-settings.js';
import { renderTestEmail } from './test-email.js';

export interface OutboxMailerOptions {
  /** Created when missing. */
  directory: string;
  /** The setting that chose `directory`, named in `check()`'s fixes. */
  directorySetting?: string;
  /** For the file names; tests pass a fixed clock. */
  clock?: () => Date;
}

/** `2026-11-28T01-10-35-123Z`: an ISO instant with no `:` or `.`, so it is a valid file name everywhere. */
const STAMP_LENGTH = '2026-11-28T01-10-35-123Z'.length;

/**
 * The embedded mailer: each message becomes an RFC 5322 `.eml` file in a directory, named
 * `<time>-<request>-<delivery>.eml`, which an operator can open in any mail client or forward.
 * Nothing leaves the machine. Files are written to a temporary name and renamed, so a crash
 * never leaves half a message, and a message whose Message-ID is already in the outbox
 * replaces that file instead of adding a second one.
 *
 * A license email's `<time>` is read from its delivery's id or else its request's (a version-7
 * UUID begins with the millisecond it was made): every attempt of one message works out the same
 * name, before or after a restart, with nothing to remember. Only files that cannot be named so
 * (other messages, and files written by earlier versions, which took the time of writing) are
 * looked up in an index read from the directory once. That index held every message sent since
 * the start, about 200 bytes each: 2 MB of a 10,000-row batch's heap, never given back.
 */
export function createOutboxMailer(options: OutboxMailerOptions): Mailer {
  const directory = resolve(options.directory);
  const directorySetting = options.directorySetting ?? 'the mail outbox directory setting';
  const clock = options.clock ?? (() => new Date());
  // CRLF line ends, as RFC 5322 asks of a message at rest.
  const composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  // One write at a time per message, so two concurrent sends of the same Message-ID cannot
  // both see "no file yet" and write two.
  const writing = new Map<string, Promise<unknown>>();
  // Which file holds each message whose name is not its derived one (see above): read from
  // the directory once, so a send costs no directory scan however many messages it holds.
  let namedApart: Promise<Map<string, string>> | undefined;
  const namesApart = () => {
    namedApart ??= mkdir(directory, { recursive: true })
      .then(() => readdir(directory))
      .then((entries) => {
        const byKey = new Map<string, string>();
        for (const name of entries) {
          const key = fileKey(name);
          if (key && name !== derivedFileName(key)) byKey.set(key, name);
        }
        return byKey;
      });
    namedApart.catch(() => (namedApart = undefined));
    return namedApart;
  };

  async function compose(mail: OutgoingMail): Promise<Buffer> {
    try {
      const info = await composer.sendMail(toNodemailerMessage(mail));
      return info.message as Buffer;
    } catch (error) {
      throw new RemoteFailure('permanent', `Could not build the email: ${errorMessage(error)}`, {
        code: 'MAIL_COMPOSE_FAILED',
        cause: error,
      });
    }
  }

  async function write(key: string, message: Buffer): Promise<string> {
    const apart = await namesApart();
    const derived = derivedFileName(key);
    const name = apart.get(key) ?? derived ?? `${stamp(clock())}-${key}.eml`;
    const temporary = join(directory, `.${name}.${randomUUID()}.tmp`);
    try {
      // A message carries a signed license: readable by the service's user alone.
      const file = await open(temporary, 'wx', 0o600);
      try {
        await file.writeFile(message);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, join(directory, name));
      if (name !== derived) apart.set(key, name);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    // The receipt is shown in the request's deliveries: the file's name, not the server's path.
    return name;
  }

  async function send(mail: OutgoingMail): Promise<SentMail> {
    const message = await compose(mail);
    const key = outboxKey(mail.messageId);
    const previous = writing.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => write(key, message));
    writing.set(key, current);
    try {
      return { messageId: mail.messageId, receipt: await current };
    } catch (error) {
      throw fileError(error, directorySetting);
    } finally {
      if (writing.get(key) === current) writing.delete(key);
    }
  }

  return {
    name: 'outbox',
    send,
    async check(checkOptions = {}) {
      const rows: ReadinessCheck[] = [];
      try {
        await mkdir(directory, { recursive: true });
        const probe = join(directory, `.probe.${randomUUID()}.tmp`);
        const file = await open(probe, 'wx');
        await file.close();
        await rm(probe);
        const messages = (await readdir(directory)).filter((name) => fileKey(name)).length;
        rows.push({
          name: 'Mail outbox',
          ok: true,
          detail: `Emails are written to ${directory} (${messages} there now); nothing is sent. Set SMTP_URL to send them.`,
        });
      } catch (error) {
        rows.push({
          name: 'Mail outbox',
          ok: false,
          detail: `Cannot write to ${directory}: ${errorMessage(error)}`,
          fix: `Make ${directory} writable by the user running Lifeline, or change ${directorySetting}.`,
        });
        return rows;
      }
      if (checkOptions.sendTestTo) {
        const from = checkOptions.from ?? DEFAULT_OUTBOX_MAIL_FROM;
        try {
          const sent = await send(
            renderTestEmail({
              from,
              to: checkOptions.sendTestTo,
              sentAt: clock(),
              hostName: hostname(),
            }),
          );
          rows.push({
            name: 'Mail test message',
            ok: true,
            detail: `Written to ${sent.receipt} (the outbox does not send email).`,
          });
        } catch (error) {
          rows.push({
            name: 'Mail test message',
            ok: false,
            detail: errorMessage(error),
            fix: `Make ${directory} writable by the user running Lifeline, or change ${directorySetting}.`,
          });
        }
      }
      return rows;
    },
    close() {
      composer.close();
      return Promise.resolve();
    },
  };
}

function stamp(instant: Date): string {
  return instant.toISOString().replace(/[:.]/g, '-');
}

/**
 * What identifies a message in the outbox: `<request>-<delivery>` for license emails, the
 * Message-ID's characters otherwise.
 */
function outboxKey(messageId: string): string {
  const ids = parseLicenseMessageId(messageId);
  if (ids) return `${ids.requestId}-${ids.deliveryId}`;
  return messageIdToken(messageId.replace(/^<|>$/g, ''));
}

const V7 = '([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const ENDS_IN_VERSION_7_UUID = new RegExp(`.-${V7}$`);
const BEGINS_WITH_VERSION_7_UUID = new RegExp(`^${V7}-.`);

/**
 * `<time>-<request>-<delivery>.eml` with the time a version-7 UUID in the key was made (its
 * first 48 bits are Unix milliseconds, RFC 9562 §5.7): the delivery's, when its id is one (a
 * resend's), otherwise the request's: a first license email's delivery id,
 * `REQUEST:email:license`, holds no time, and named by it alone every such email would go to
 * the index above. Undefined for a key with no version-7 UUID at either end.
 */
export function derivedFileName(key: string): string | undefined {
  const match = ENDS_IN_VERSION_7_UUID.exec(key) ?? BEGINS_WITH_VERSION_7_UUID.exec(key);
  if (!match?.[1] || !match[2]) return undefined;
  return `${stamp(new Date(Number.parseInt(match[1] + match[2], 16)))}-${key}.eml`;
}

/** The key of an outbox file name, or undefined for anything else in the directory. */
function fileKey(name: string): string | undefined {
  if (name.startsWith('.') || !name.endsWith('.eml') || name[STAMP_LENGTH] !== '-')
    return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/.test(name.slice(0, STAMP_LENGTH))) {
    return undefined;
  }
  return name.slice(STAMP_LENGTH + 1, -'.eml'.length);
}

/** A full disk clears up by itself; a missing permission or a file in the way does not. */
function fileError(error: unknown, directorySetting: string): RemoteFailure {
  if (error instanceof RemoteFailure) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // The message reaches the request's timeline and API answers: no server path in it.
  const message = `Could not write the email to the mail outbox (in ${directorySetting}): ${withoutPaths(errorMessage(error))}`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR') {
    return new RemoteFailure(
      'configuration',
      `${message}. Fix the directory or ${directorySetting}.`,
      {
        code: 'OUTBOX_NOT_WRITABLE',
        cause: error,
      },
    );
  }
  return new RemoteFailure('transient', message, { code: 'OUTBOX_WRITE_FAILED', cause: error });
}

/** `ENOSPC: no space left on device, open '/var/…'` → `ENOSPC: no space left on device`. */
function withoutPaths(message: string): string {
  return message.replace(/, \w+ '[^']*'( -> '[^']*')?$/, '').replace(/'\/[^']*'/g, 'a file');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
