import { canonicalJson, sha256Hex } from '../requests/fingerprint.js';
import type { AuditEntry } from './audit-entry.js';

/**
 * The hash of an entry: SHA-256 over the previous entry's hash and the entry's own canonical
 * content, its number included. Editing an entry changes its hash; deleting one breaks the next
 * entry's link; swapping two changes both, since each hash covers its number. Pure: no I/O.
 */
export function entryHash(prevHash: string, entry: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  return sha256Hex(
    `${prevHash}\n${canonicalJson({
      seq: entry.seq,
      at: entry.at,
      actor: entry.actor,
      role: entry.role,
      address: entry.address,
      action: entry.action,
      target: entry.target,
      requestId: entry.requestId,
      details: entry.details,
    })}`,
  );
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Checks entries that follow `previous` (seq and hash of the entry before them), in order.
 * Answers the first entry that does not match, or undefined.
 */
export function findChainBreak(
  previous: { seq: number; hash: string },
  entries: readonly AuditEntry[],
): ChainBreak | undefined {
  let prior = previous;
  for (const entry of entries) {
    if (entry.seq !== prior.seq + 1) {
      return {
        seq: entry.seq,
        reason: `it follows entry ${prior.seq}: ${entry.seq > prior.seq + 1 ? `entries ${prior.seq + 1}…${entry.seq - 1} are missing` : 'the order was changed'}`,
      };
    }
    if (entry.prevHash !== prior.hash) {
      return {
        seq: entry.seq,
        reason: `it does not link to entry ${prior.seq} (that entry, or this link, was changed)`,
      };
    }
    if (entryHash(entry.prevHash, entry) !== entry.hash) {
      return { seq: entry.seq, reason: 'its content does not match its hash (it was edited)' };
    }
    prior = entry;
  }
  return undefined;
}
