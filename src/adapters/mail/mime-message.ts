import type { SendMailOptions } from 'nodemailer';
import type { OutgoingMail } from '../../ports/mailer.js';

/**
 * The one translation from our message to nodemailer's, shared by the outbox and SMTP mailers
 * so that an `.eml` in the outbox is the very MIME message SMTP would have sent.
 */
export function toNodemailerMessage(mail: OutgoingMail): SendMailOptions {
  return {
    messageId: mail.messageId,
    from: mail.from,
    to: mail.to,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename,
      content: attachment.content,
      contentType: attachment.contentType,
      // Base64 whatever the type: quoted-printable or 7bit could rewrap lines or turn LF into
      // CRLF on the way, and a license file must arrive byte for byte.
      contentTransferEncoding: 'base64',
    })),
    ...(mail.headers ? { headers: { ...mail.headers } } : {}),
  };
}
