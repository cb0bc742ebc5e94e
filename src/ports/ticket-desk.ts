import type { RequestOutcome } from './outcome.js';
import type { TicketAttachment } from '../policy/index.js';
import type { ReadinessCheck } from './remote-failure.js';
import type { NoticeRetry } from './notice-channel.js';

/** A ticket's attachments, and the text of its `.gitlab-license` files (newest first). */
export interface TicketAttachments {
  attachments: TicketAttachment[];
  licenseFiles: Array<{ attachment: TicketAttachment; text: string }>;
}

/**
 * The support desk holding the ticket (Zendesk). Adds an internal (never public) note with the
 * outcome and tags the ticket; with `retry` (an earlier attempt may have added it, its answer
 * lost), it looks for the note first and does not add it twice. Throws `RemoteFailure`.
 */
export interface TicketDesk {
  readonly name: 'timeline' | 'zendesk';
  addInternalNote(
    outcome: RequestOutcome,
    retry?: NoticeRetry,
  ): Promise<{ ref?: string; destination: string }>;
  check(): Promise<ReadinessCheck[]>;
  /**
   * Every attachment on the ticket's comments, for the evidence check; only desks that can read
   * tickets have it. Throws `RemoteFailure` when the desk cannot answer.
   */
  readAttachments?(ticketId: string): Promise<TicketAttachments>;
}
