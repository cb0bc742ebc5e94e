/**
 * The recorded renewal of a cover, as stored on the request (`requests.renewal`, JSON) and shown
 * as `renewal` in the request's answer.
 */
export interface RecordedRenewal {
  /** license_file: the customer's new license was decoded; marked: an approver said so, with a reason. */
  source: 'license_file' | 'marked';
  recordedBy: string;
  recordedAt: string;
  reason?: string;
  plan?: string;
  userCount?: number;
  startsOn?: string;
  expiresOn?: string;
  company?: string;
  subscriptionId?: string;
  /** SHA-256 of the license text. */
  fingerprint?: string;
  /** The evidence key that read it. */
  keyName?: string;
}

export function parseRenewal(text: string | null): RecordedRenewal | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as RecordedRenewal;
  } catch {
    return undefined;
  }
}
