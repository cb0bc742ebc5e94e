import type { RequestOutcome } from './outcome.js';
import type { TicketAttachment } from '../policy/index.js';
import type { ReadinessCheck } from './delivery-error.js';

/** A ticket's attachments, and the text of its `.gitlab-license` files (newest first). */
export interface TicketAttachments {
  attachments: TicketAttachment[];
  licenseFiles: Array<{ attachment: TicketAttachment; text: string }>;
}

/**
 * The support desk holding the ticket (Zendesk). Adds an internal (never public) note with the
 * outcome and tags the ticket. Throws `DeliveryError`.
 */
export interface TicketDesk {
  readonly name: 'timeline' | 'zendesk';
  addInternalNote(outcome: RequestOutcome): Promise<{ ref?: string; destination: string }>;
  check(): Promise<ReadinessCheck[]>;
  /**
   * Every attachment on the ticket's comments, for the evidence check; only desks that can read
   * tickets have it. Throws `DeliveryError` when the desk cannot answer.
   */
  readAttachments?(ticketId: string): Promise<TicketAttachments>;
}
