import { oneLine } from './one-line.js';

/**
 * A value for an email header (the subject, an address): one line, so no value can end the
 * header and start another (`\r\nBcc: …`). nodemailer encodes what is not ASCII.
 */
export function emailHeader(value: string | number): string {
  return oneLine(value).trim();
}

/** An untrusted value inside the email's plain text: one line, so it cannot add lines of its own. */
export function emailText(value: string | number): string {
  return oneLine(value);
}
