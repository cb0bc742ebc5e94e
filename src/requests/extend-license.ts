import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import {
  addDays,
  buildEmergencyLicense,
  licenseFingerprint,
  signLicense,
  type EmergencyLicenseSettings,
  type LicenseSigner,
} from '../license/index.js';
import type { Database } from '../store/schema.js';
import { isWaiting, type CoverSettings } from './cover.js';
import { announceCover, scheduleCover, type CoverDestinations } from './cover-announcements.js';
import { ensureDelivery } from './deliveries.js';
import { coverDeliveryId } from './delivery-ids.js';
import { CoverNotOpen } from './record-renewal.js';
import { changeRequest } from './request-life.js';
import { loadDecision, loadLicense } from './request-records.js';
import { recordSignature } from './signatures.js';
import { recordEvent } from './timeline.js';
import { sendEmail } from './steps/send-email.js';

export interface ExtensionContext {
  signer: LicenseSigner;
  licenseSettings: EmergencyLicenseSettings;
  cover: CoverSettings;
  destinations: CoverDestinations;
  /** The policy's ceiling for a user count. */
  maxUserCount: number;
  moment(): Date;
}

/** The extension is not allowed: the requester's own, past the limit, out of bounds (403/409/422). */
export class ExtensionRefused extends Error {
  override readonly name = 'ExtensionRefused';
  constructor(
    readonly status: 403 | 409 | 422,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Extends a waiting cover with a new temporary license, the next of the request's lineage: its
 * own fingerprint, dated like the first (emergencyLicenseDates from now), the first license's
 * seats unless the approver changes them within the policy's ceiling. The license can be stored
 * only once per lineage index (a unique index) and only while the request's count of extensions
 * is still the one read here (a conditional update), so a double click or two approvers at once
 * make one license. It is emailed, announced and reminded of like the first.
 */
export async function extendCover(
  db: Kysely<Database>,
  ctx: ExtensionContext,
  requestId: string,
  ask: { reason: string; userCount?: number },
  approver: { name: string },
  audit: AuditActor,
  now: number,
): Promise<{ lineage: number; fingerprint: string; userCount: number; expiresAt: string }> {
  const request = await db
    .selectFrom('requests')
    .selectAll()
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!request) throw new CoverNotOpen(`No request ${requestId}.`);
  if (request.requested_by === approver.name)
    throw new ExtensionRefused(
      403,
      'You asked for this emergency license, so another approver must extend it: an extension needs a second pair of eyes.',
    );
  if (!isWaiting(request.cover_state))
    throw new ExtensionRefused(
      409,
      request.cover_state === null
        ? 'This request has no cover to extend yet: its license has not been delivered.'
        : `The cover is ${request.cover_state}: only a cover still waiting for its renewal can be extended.`,
    );
  const made = Number(request.extensions);
  if (made >= ctx.cover.extensionsMax)
    throw new ExtensionRefused(
      409,
      `This cover was already extended ${made === 1 ? 'once' : `${made} times`} (LIFELINE_EXTENSIONS_MAX = ${ctx.cover.extensionsMax}): escalate to the licensing team for the renewal itself.`,
    );
  const current = await loadLicense(db, requestId);
  if (!current) throw new ExtensionRefused(409, 'This request has no license to extend.');
  const userCount = ask.userCount ?? Number(current.user_count);
  if (!Number.isSafeInteger(userCount) || userCount < 1 || userCount > ctx.maxUserCount)
    throw new ExtensionRefused(
      422,
      `The user count must be a whole number from 1 to ${ctx.maxUserCount} (the policy's ceiling).`,
    );
  const terms = (await loadDecision(db, requestId))?.licenseTerms;
  const attributes = buildEmergencyLicense(
    {
      customerEmail: request.customer_email,
      userCount,
      at: ctx.moment(),
      ...(terms?.previousUserCount !== undefined && {
        previousUserCount: terms.previousUserCount,
      }),
    },
    ctx.licenseSettings,
  );
  const text = await signLicense(attributes, ctx.signer);
  const fingerprint = licenseFingerprint(text);
  const lineage = made + 1;
  const endsOn = attributes.expires_at;

  await db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('requests')
      .set({ extensions: lineage })
      .where('id', '=', requestId)
      .where('extensions', '=', made)
      .where('cover_state', 'in', ['pending', 'extended'])
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n)
      throw new ExtensionRefused(
        409,
        'The cover changed meanwhile (extended or renewed by someone else): reload the request.',
      );
    await trx
      .insertInto('licenses')
      .values({
        id: randomUUID(),
        request_id: requestId,
        lineage_index: lineage,
        text,
        fingerprint,
        plan: attributes.restrictions?.plan ?? 'ultimate',
        trial: attributes.restrictions?.trial ? 1 : 0,
        user_count: userCount,
        issued_at: attributes.issued_at,
        expires_at: attributes.expires_at,
        key_fingerprint: ctx.signer.fingerprint,
        created_at: now,
      })
      .execute();
    await recordSignature(
      trx,
      {
        requestId,
        licenseFingerprint: fingerprint,
        keyFingerprint: ctx.signer.fingerprint,
        signer: ctx.signer.description,
        kept: true,
      },
      now,
    );
    const deliveryId = coverDeliveryId(requestId, 'email', `license-L${lineage}`);
    await ensureDelivery(
      trx,
      {
        id: deliveryId,
        requestId,
        channel: 'email',
        purpose: 'extension',
        destination: request.customer_email,
      },
      now,
    );
    await enqueueJobs(trx, [sendEmail.job({ requestId, deliveryId: deliveryId })], now);
    await scheduleCover(trx, requestId, { state: 'extended', endsOn, lineage }, ctx.cover, now);
    // The tracker issue shows the request's current license.
    await changeRequest(trx, requestId, {}, now);
    await recordEvent(
      trx,
      {
        requestId,
        kind: 'cover.extended',
        message: `Extended by ${approver.name} with a new temporary license for ${userCount} users: it works through ${addDays(endsOn, -1)} (expires at 00:00 on ${endsOn}, server time). Reason: ${ask.reason}`,
        actor: approver.name,
        data: { lineage, reason: ask.reason, fingerprint, userCount },
      },
      now,
    );
    await announceCover(trx, requestId, { kind: 'extended', lineage }, ctx.destinations, now);
    await appendAudit(
      trx,
      audit,
      {
        action: 'request.extended',
        target: `request ${requestId}`,
        requestId,
        details: { lineage, fingerprint, userCount, reason: ask.reason },
      },
      now,
    );
  });
  return { lineage, fingerprint, userCount, expiresAt: endsOn };
}
