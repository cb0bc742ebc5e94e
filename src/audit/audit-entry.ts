/**
 * The audit log's vocabulary. An entry says who (the verified actor, their role, the address
 * they called from) did what (an action, past tense `noun.verb`) to what (a target, and the
 * request when there is one), when, with details; each entry's hash covers the previous one's.
 */
export type AuditAction =
  | 'session.signed_in'
  | 'session.sign_in_failed'
  | 'session.signed_out'
  | 'session.ended'
  | 'token.created'
  | 'token.revoked'
  | 'user.created'
  | 'user.changed'
  | 'user.disabled'
  | 'request.created'
  | 'request.resent'
  | 'request.retried'
  | 'request.renewed'
  | 'request.extended'
  | 'request.approved'
  | 'request.declined'
  | 'request.expired'
  | 'license.downloaded'
  | 'license.signed'
  | 'audit.head_posted'
  | 'batch.created'
  | 'batch.stopped'
  | 'batch.resumed'
  | 'handoff.sent';

/** Who did it, as proven by their credential. */
export interface AuditActor {
  /** The person ("PERSON via TOKEN" for a service acting for someone). */
  actor: string;
  /** Their role, or `none` when the sign-in failed. */
  role: string;
  /** The address the call came from (`local` for the CLI on the database). */
  address: string;
}

export interface AuditEvent {
  action: AuditAction;
  target?: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

/** One stored entry, as the API, the export and the verifier read it. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  role: string;
  address: string;
  action: string;
  target: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The first entry's previous hash. */
export const genesisHash = '0'.repeat(64);
