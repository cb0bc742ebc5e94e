import type { ZafClient } from './zaf.js';

/** A file on one of the ticket's comments, as the app framework's `ticket.comments` gives it. */
export interface TicketAttachment {
  filename: string;
  contentType: string;
  contentUrl: string;
}

/** What the ticket itself holds that can serve as evidence. */
export interface TicketEvidence {
  screenshots: TicketAttachment[];
  licenseFiles: TicketAttachment[];
}

interface ZafComment {
  imageAttachments?: Partial<TicketAttachment>[];
  nonImageAttachments?: Partial<TicketAttachment>[];
}

function complete(attachment: Partial<TicketAttachment>): attachment is TicketAttachment {
  return typeof attachment.filename === 'string' && typeof attachment.contentUrl === 'string';
}

/**
 * Reads the ticket's comments through the app framework (no extra API call, no extra scope):
 * images are the screenshots, `.gitlab-license` files the customer's expired license.
 */
export async function readTicketEvidence(client: ZafClient): Promise<TicketEvidence> {
  const data = await client.get('ticket.comments');
  const comments = (
    Array.isArray(data['ticket.comments']) ? data['ticket.comments'] : []
  ) as ZafComment[];
  const evidence: TicketEvidence = { screenshots: [], licenseFiles: [] };
  for (const comment of comments) {
    for (const image of (comment.imageAttachments ?? []).filter(complete)) {
      evidence.screenshots.push({ ...image, contentType: image.contentType ?? 'image/*' });
    }
    for (const file of (comment.nonImageAttachments ?? []).filter(complete)) {
      if (/\.gitlab-license$/i.test(file.filename)) {
        evidence.licenseFiles.push({ ...file, contentType: file.contentType ?? '' });
      }
    }
  }
  return evidence;
}

/** A license attachment's text, fetched through Zendesk (the agent's own access to the ticket). */
export async function readAttachmentText(
  client: ZafClient,
  attachment: TicketAttachment,
): Promise<string> {
  const text = await client.request({ url: attachment.contentUrl, type: 'GET', dataType: 'text' });
  if (typeof text !== 'string' || text.trim() === '') {
    throw new Error(`${attachment.filename} is empty.`);
  }
  return text.trim();
}

/** The seed's first step: ask for the two screenshots and the license file, in words to edit. */
export function evidenceReplyDraft(customerName: string): string {
  const greeting = customerName.trim() ? `Hi ${customerName.trim().split(/\s+/)[0]},` : 'Hi,';
  return [
    greeting,
    '',
    'We can get your instance working again with a temporary license while the renewal is completed. So we can issue it, please reply with:',
    '',
    '1. a screenshot of Admin Area › Subscription, showing the plan, the dates and the Maximum users and Billable users cards;',
    '2. a screenshot of the message your instance shows now that the license has expired;',
    '3. your expired license file (the .gitlab-license file), if you still have it.',
    '',
    'As soon as we have them we will send the temporary license by email.',
  ].join('\n');
}
