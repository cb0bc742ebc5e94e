import { RemoteFailure } from '../ports/remote-failure.js';
import type { TicketAttachments, TicketDesk } from '../ports/ticket-desk.js';
import type { VerificationKey } from '../license/index.js';
import { decodeLicense } from '../license/index.js';
import { isImage, type EvidenceInput, type TicketEvidence } from '../policy/index.js';

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
  screenshotReads?: ScreenshotReads,
): Promise<GatheredEvidence> {
  if (desk?.readAttachments === undefined) return { evidence };
  const wanted =
    'fromTicket' in evidence ||
    ('screenshotsAttached' in evidence && evidence.screenshotsAttached === true);
  if (!wanted) return { evidence };
  // Only screenshots are taken from an earlier read: which license file is newest can change.
  const screenshots = !('fromTicket' in evidence);
  let read = screenshots ? screenshotReads?.get(ticketId) : undefined;
  try {
    read ??= await desk.readAttachments(ticketId);
    if (screenshots) screenshotReads?.keep(ticketId, read);
  } catch (error) {
    const reason =
      error instanceof RemoteFailure
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

/**
 * Ticket reads that showed screenshots, kept for a minute on the service clock: the live
 * eligibility check reads the ticket while the engineer fills in the form, and the submission
 * that follows decides on that read instead of waiting for Zendesk again. Only a read with an
 * image is kept, since screenshots once attached stay (a read without one is never reused: the
 * engineer may be attaching them right now).
 */
export class ScreenshotReads {
  private readonly reads = new Map<string, { read: TicketAttachments; at: number }>();

  constructor(
    private readonly now: () => number,
    private readonly keepMs = 60_000,
    private readonly most = 500,
  ) {}

  get(ticketId: string): TicketAttachments | undefined {
    const kept = this.reads.get(ticketId);
    if (kept === undefined) return undefined;
    const age = this.now() - kept.at;
    if (age >= 0 && age < this.keepMs) return kept.read;
    this.reads.delete(ticketId);
    return undefined;
  }

  keep(ticketId: string, read: TicketAttachments): void {
    if (!read.attachments.some(isImage)) {
      this.reads.delete(ticketId);
      return;
    }
    if (this.reads.has(ticketId)) return;
    // The oldest goes first: a Map iterates in insertion order.
    if (this.reads.size >= this.most) {
      const oldest = this.reads.keys().next();
      if (!oldest.done) this.reads.delete(oldest.value);
    }
    this.reads.set(ticketId, { read, at: this.now() });
  }
}
