import type { OutcomeKind } from '../ports/outcome.js';

/**
 * The deliveries' ids: one row per request, channel and purpose, so creating one twice is
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
  channel: 'notice' | 'ticket' | 'tracker' | 'email',
  eventKey: string,
) => `${requestId}:${channel}:${eventKey}`;
