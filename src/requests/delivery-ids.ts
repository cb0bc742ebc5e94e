import type { OutcomeKind } from '../ports/outcome.js';

/**
 * The deliveries' ids: one row per request, medium and purpose, so creating one twice is
 * harmless. The jobs that carry them out are declared by their steps (src/requests/steps/).
 */
export const emailDeliveryId = (requestId: string) => `${requestId}:email:license`;
export const noticeDeliveryId = (requestId: string, outcome: OutcomeKind) =>
  `${requestId}:notice:${outcome}`;
export const ticketDeliveryId = (requestId: string, outcome: OutcomeKind) =>
  `${requestId}:ticket:${outcome}`;
export const trackerDeliveryId = (requestId: string) => `${requestId}:tracker`;

/** The deliveries of one cover event (a reminder, the lapse, the renewal, an extension). */
export const coverDeliveryId = (
  requestId: string,
  medium: 'notice' | 'ticket' | 'tracker' | 'email',
  eventKey: string,
) => `${requestId}:${medium}:${eventKey}`;

/** An extension's job names its lineage index, as a cover event key does. */
export const extensionAskKey = (lineage: number) => `extension-L${lineage}`;

export function lineageOfExtensionAsk(key: string | null): number | undefined {
  const match = /^extension-L(\d+)$/.exec(key ?? '');
  return match ? Number(match[1]) : undefined;
}
