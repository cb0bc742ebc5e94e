import addressparser from 'nodemailer/lib/addressparser';

/** Used when the From address has no usable domain (e.g. `lifeline@localhost`). */
export const FALLBACK_MESSAGE_ID_DOMAIN = 'lifeline.local';

/**
 * The domain for our Message-IDs: the From address's own domain, so that the IDs are unique
 * to the sender as RFC 5322 §3.6.4 asks. A domain without a dot (`localhost`) is not
 * globally unique, so it falls back to `lifeline.local`.
 */
export function messageIdDomainOf(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  const address = first?.address ?? '';
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (!address.includes('@') || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
    return FALLBACK_MESSAGE_ID_DOMAIN;
  }
  return domain;
}

/** Keeps only characters allowed unquoted in a Message-ID's left part (and in file names). */
export function messageIdToken(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}

/**
 * `<lifeline.REQUEST.DELIVERY@domain>`: the same for every attempt of one delivery, so a
 * message sent twice after a crash is recognisable as one message by the outbox and by
 * mail clients.
 */
export function licenseMessageId(requestId: string, deliveryId: string, domain: string): string {
  return `<lifeline.${messageIdToken(requestId)}.${messageIdToken(deliveryId)}@${domain}>`;
}

/** Reads back the request and delivery ids from a Message-ID made by `licenseMessageId`. */
export function parseLicenseMessageId(
  messageId: string,
): { requestId: string; deliveryId: string } | undefined {
  const match = /^<lifeline\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)@[^>]+>$/.exec(messageId);
  if (!match?.[1] || !match[2]) return undefined;
  return { requestId: match[1], deliveryId: match[2] };
}
