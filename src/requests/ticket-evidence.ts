import { DeliveryError } from '../ports/delivery-error.js';
import type { TicketDesk } from '../ports/ticket-desk.js';
import type { VerificationKey } from '../license/index.js';
import { decodeLicense } from '../license/index.js';
import type { EvidenceInput, TicketEvidence } from '../policy/index.js';

export interface GatheredEvidence {
  /** The evidence to decide on: as given, or the ticket's license file when none was given. */
  evidence: EvidenceInput;
  ticketEvidence?: TicketEvidence;
}

/**
 * Gathers what the ticket shows before the policy decides (the policy itself reads nothing):
 * its attachments when the evidence claims screenshots, and its `.gitlab-license` file when the
 * engineer gave no evidence. A desk that cannot answer never fails the submission: the facts
 * say it was not reachable, and the evidence rule says what that means.
 */
export async function gatherTicketEvidence(
  desk: TicketDesk | undefined,
  ticketId: string,
  evidence: EvidenceInput,
  evidenceKeys: readonly VerificationKey[],
): Promise<GatheredEvidence> {
  if (desk?.readAttachments === undefined) return { evidence };
  const wanted =
    'fromTicket' in evidence ||
    ('screenshotsAttached' in evidence && evidence.screenshotsAttached === true);
  if (!wanted) return { evidence };
  let read;
  try {
    read = await desk.readAttachments(ticketId);
  } catch (error) {
    const reason =
      error instanceof DeliveryError
        ? error.message
        : 'an unexpected error while reading the ticket';
    return {
      evidence,
      ticketEvidence: { checked: false, ticketId, code: 'ZENDESK_UNREACHABLE', reason },
    };
  }
  const ticketEvidence: TicketEvidence = {
    checked: true,
    ticketId,
    attachments: read.attachments,
  };
  if (!('fromTicket' in evidence)) return { evidence, ticketEvidence };
  // The newest file that opens with an evidence key; else the newest, so the rule says why not.
  const file =
    read.licenseFiles.find((candidate) => decodeLicense(candidate.text, evidenceKeys).ok) ??
    read.licenseFiles[0];
  if (file === undefined) return { evidence, ticketEvidence };
  return {
    evidence: {
      licenseFile: file.text,
      ...(evidence.maximumUsers !== undefined && { maximumUsers: evidence.maximumUsers }),
      ...(evidence.billableUsers !== undefined && { billableUsers: evidence.billableUsers }),
    },
    ticketEvidence: { ...ticketEvidence, licenseFileFrom: file.attachment },
  };
}
