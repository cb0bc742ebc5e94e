import { randomUUID } from 'node:crypto';
import { escapeHtml } from '../safe-text/index.js';
import type { OutgoingMail } from '../../ports/mailer.js';
import { messageIdDomainOf } from './message-id.js';

export interface TestEmailInput {
  from: string;
  to: string;
  replyTo?: string;
  /** When the test was started; shown in the message so that an old one is not mistaken for it. */
  sentAt: Date;
  /** The host that ran the check, to tell several instances apart. */
  hostName?: string;
}

/** The message `lifeline doctor --send-test-to` sends: proof that the mail path works end to end. */
export function renderTestEmail(input: TestEmailInput): OutgoingMail {
  const domain = messageIdDomainOf(input.from);
  const sentAt = input.sentAt.toISOString();
  const where = input.hostName ? ` on ${input.hostName}` : '';
  const text = `This is a test message from Lifeline${where}, sent by "lifeline doctor --send-test-to" at ${sentAt}.

If you are reading it, Lifeline can send email: license emails to customers go out the same way, from ${input.from}.

Nothing needs to be done with this message.
`;
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>Lifeline test message</title></head>
<body style="font-family:sans-serif">
${text
  .trim()
  .split('\n\n')
  .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
  .join('\n')}
</body></html>
`;
  return {
    messageId: `<lifeline.test.${randomUUID()}@${domain}>`,
    from: input.from,
    to: input.to,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: 'Lifeline test message: email delivery works',
    text,
    html,
    attachments: [],
    headers: { 'X-Lifeline-Test': sentAt, 'Auto-Submitted': 'auto-generated' },
  };
}
