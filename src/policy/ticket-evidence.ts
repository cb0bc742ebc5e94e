import type { EvidenceReading } from './evidence.js';
import type { RuleOutcome } from './rule-outcome.js';

/** An attachment on the ticket, as the desk listed it. */
export interface TicketAttachment {
  id: number;
  fileName: string;
  contentType: string;
  /** Bytes. */
  size: number;
}

/**
 * What the ticket itself showed, gathered before the decision (the policy reads no desk):
 * every attachment of its comments, and the `.gitlab-license` attachment used as the evidence
 * when the engineer gave none. Absent when no desk is configured that can read tickets.
 */
export type TicketEvidence =
  | {
      checked: true;
      ticketId: string;
      attachments: TicketAttachment[];
      /** The attachment whose text became the evidence's license file. */
      licenseFileFrom?: TicketAttachment;
    }
  | { checked: false; ticketId: string; code: 'ZENDESK_UNREACHABLE'; reason: string };

export function isImage(attachment: TicketAttachment): boolean {
  return /^image\//i.test(attachment.contentType);
}

/**
 * The evidence rule once the ticket is known: screenshot values need images on the ticket; a
 * license file taken from the ticket says which attachment it was. When the desk could not be
 * reached the screenshots are not checked, and the rule says so (an approver can then decide).
 */
export function withTicketEvidence(
  outcome: RuleOutcome,
  reading: EvidenceReading,
  ticket: TicketEvidence | undefined,
): RuleOutcome {
  if (ticket === undefined || !reading.ok) return outcome;
  if (reading.facts.source === 'license_file') {
    if (!ticket.checked || ticket.licenseFileFrom === undefined) return outcome;
    const file = ticket.licenseFileFrom;
    return {
      ...outcome,
      message: `${outcome.message} It is the ticket’s attachment ${describe(file)}.`,
      attachments: [file],
    };
  }
  if (!ticket.checked) {
    return {
      rule: 'evidence',
      passed: false,
      notChecked: true,
      code: ticket.code,
      message: `Not checked: Zendesk could not be reached to see the screenshots on ticket #${ticket.ticketId} (${ticket.reason}). An approver can accept the values, or send the request again once Zendesk answers.`,
    };
  }
  const images = ticket.attachments.filter(isImage);
  if (images.length === 0) {
    const others =
      ticket.attachments.length === 0
        ? 'no attachments'
        : `no images among its ${ticket.attachments.length} attachment${ticket.attachments.length === 1 ? '' : 's'}`;
    return {
      rule: 'evidence',
      passed: false,
      code: 'SCREENSHOTS_NOT_ON_TICKET',
      message: `The values are said to come from screenshots, but ticket #${ticket.ticketId} has ${others}: ask the customer for the two screenshots (Admin Area › Overview › Dashboard, and Admin Area › Subscription) on the ticket, or attach their license file.`,
      attachments: ticket.attachments,
    };
  }
  return {
    ...outcome,
    message: `${outcome.message} Screenshots on ticket #${ticket.ticketId}: ${images.map(describe).join(', ')}.`,
    attachments: images,
  };
}

function describe(attachment: TicketAttachment): string {
  return `${attachment.fileName} (${kilobytes(attachment.size)}, id ${attachment.id})`;
}

function kilobytes(size: number): string {
  return size < 1024 ? `${size} bytes` : `${Math.round(size / 1024)} KB`;
}
