/**
 * Every license signature, with the key that made it: recorded in the request's timeline and as
 * a `license.signed` entry of the audit log, in the transaction that stores the license, and
 * listed by `listLicenseSignatures`. A signature whose license lost a race (two attempts of one request)
 * is recorded too, as not kept: it was made, so it is accounted for, but it was never sent.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { appendAudit } from '../audit/audit-store.js';
import { recordEvents, type TimelineEntry } from './timeline.js';

/** Signatures are made by the worker on the request's behalf: the requester is on the request. */
const SIGNING_ACTOR = { actor: 'Lifeline worker', role: 'worker', address: 'local' };

export interface LicenseSignature {
  requestId: string;
  /** Epoch ms. */
  at: number;
  /** sha256 of the license text. */
  licenseFingerprint: string;
  /** sha256 of the signing key's public key (SPKI DER). */
  keyFingerprint: string;
  /** Where the key was: a key file, a PKCS#11 token and key label (never a secret). */
  signer: string;
  /** False when another attempt's license was stored instead (this one was never sent). */
  kept: boolean;
}

export async function recordSignature(
  db: Kysely<Database>,
  signature: Omit<LicenseSignature, 'at'>,
  now: number,
  /** The caller's own events of the moment, recorded after the signature's in one statement. */
  alongside: readonly TimelineEntry[] = [],
): Promise<void> {
  await recordEvents(
    db,
    [
      {
        requestId: signature.requestId,
        kind: 'license.signed',
        message: signature.kept
          ? `Signed the license with key ${signature.keyFingerprint.slice(0, 16)}… (${signature.signer}).`
          : `Signed a license with key ${signature.keyFingerprint.slice(0, 16)}… (${signature.signer}); another attempt's license was kept, this one was never sent.`,
        data: {
          licenseFingerprint: signature.licenseFingerprint,
          keyFingerprint: signature.keyFingerprint,
          signer: signature.signer,
          kept: signature.kept,
        },
      },
      ...alongside,
    ],
    now,
  );
  await appendAudit(
    db,
    SIGNING_ACTOR,
    {
      action: 'license.signed',
      target: `key ${signature.keyFingerprint}`,
      requestId: signature.requestId,
      details: {
        licenseFingerprint: signature.licenseFingerprint,
        keyFingerprint: signature.keyFingerprint,
        signer: signature.signer,
        kept: signature.kept,
      },
    },
    now,
  );
}

/** The signatures recorded, oldest first: for one request, or all since an instant. */
export async function listLicenseSignatures(
  db: Kysely<Database>,
  filter: { requestId?: string; since?: number; limit?: number } = {},
): Promise<LicenseSignature[]> {
  let query = db
    .selectFrom('timeline_events')
    .select(['request_id', 'at', 'data'])
    // A literal, so SQLite reads the partial index timeline_events_signed (migration 0020).
    .where('kind', '=', sql.lit('license.signed'))
    // In the index's own order (at, then id), so no sort and no scan of the whole timeline.
    .orderBy('at')
    .orderBy('id')
    .limit(filter.limit ?? 1_000);
  if (filter.requestId !== undefined) query = query.where('request_id', '=', filter.requestId);
  if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
  const rows = await query.execute();
  return rows.map((row) => {
    const data = JSON.parse(row.data ?? '{}') as Partial<LicenseSignature>;
    return {
      requestId: row.request_id,
      at: Number(row.at),
      licenseFingerprint: data.licenseFingerprint ?? '',
      keyFingerprint: data.keyFingerprint ?? '',
      signer: data.signer ?? '',
      kept: data.kept === true,
    };
  });
}
