import type { ReadinessCheck } from './remote-failure.js';

/** A message ready to go: rendered once, delivered by whichever mailer is configured. */
export interface OutgoingMail {
  /** Stable per request and delivery (`<request.delivery@host>`), so a duplicate after a crash is recognisable. */
  messageId: string;
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  attachments: Array<{ filename: string; content: string; contentType: string }>;
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** The SMTP server's reply, or the outbox file the message was written to. */
  receipt: string;
}

/**
 * Sends mail. Throws `RemoteFailure` (transient / permanent / configuration) and nothing else.
 */
export interface Mailer {
  readonly name: 'outbox' | 'smtp';
  send(mail: OutgoingMail): Promise<SentMail>;
  check(options?: { sendTestTo?: string; from?: string }): Promise<ReadinessCheck[]>;
  close(): Promise<void>;
}
