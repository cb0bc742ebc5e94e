import { addDays, type CalendarDate } from '../../license/calendar-date.js';
import { longDate } from './english-format.js';
import { htmlText } from '../safe-text/index.js';
import type { OutgoingMail } from '../../ports/mailer.js';
import type { CustomerEmailEnvelope } from './license-email.js';
import { licenseMessageId } from './message-id.js';

export interface CoverReminderEmailInput extends CustomerEmailEnvelope {
  /** The day the temporary license stops working (from 00:00, server time). */
  expiresAt: CalendarDate;
  productName?: string;
}

/**
 * Tells the customer (LIFELINE_REMINDER_EMAIL_CUSTOMER=on) that the temporary license ends soon
 * and that the renewal is in hand: nothing for them to do but install the renewed license when it
 * comes. Pure: same input, same mail; no attachment.
 */
export function renderCoverReminderEmail(input: CoverReminderEmailInput): OutgoingMail {
  const product = input.productName ?? 'GitLab';
  const lastFullDay = addDays(input.expiresAt, -1);
  const date = `${longDate(lastFullDay)} (${lastFullDay})`;
  const ticketRef = `#${input.ticket.id}`;
  const paragraphs = [
    'Hello,',
    `the temporary ${product} license we sent you works through ${date}; it expires at 00:00 on ${input.expiresAt}, your server's time.`,
    `Your renewal is in hand: our licensing team is working on it, and you will receive the renewed license before then. You need do nothing until it arrives; then upload it in Admin Area › Subscription as before.`,
    `If anything about the renewal is unclear, reply on ticket ${ticketRef}: ${input.ticket.url}`,
  ];
  return {
    messageId: licenseMessageId(input.requestId, input.deliveryId, input.messageIdDomain),
    from: input.from,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    to: input.to,
    subject:
      `Your temporary ${product} license ends on ${lastFullDay}: the renewal is in hand (ticket ${ticketRef})`.replace(
        /[\r\n]+/g,
        ' ',
      ),
    text: `${paragraphs.join('\n\n')}\n`,
    html: paragraphs.map((p) => `<p>${htmlText(p)}</p>`).join('\n'),
    attachments: [],
    headers: { 'X-Lifeline-Request': input.requestId, 'Auto-Submitted': 'auto-generated' },
  };
}
