import { Refusal } from '../refusal.js';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import { decodeLicense, licenseFingerprint, type VerificationKey } from '../license/index.js';
import type { CalendarDate } from '../license/calendar-date.js';
import type { PolicySettings } from '../policy/index.js';
import { checkRenewal } from '../policy/renewal-check.js';
import type { Database } from '../store/schema.js';
import { canRenew, noCoverYet } from './cover.js';
import { announceCover, type CoverDestinations } from './cover-announcements.js';
import { parseRenewal, type RecordedRenewal } from './renewal.js';
import { recordEvent } from './timeline.js';
import { utcSecond } from '../utc-time.js';

/** The renewal cannot be recorded now: no cover yet, or already renewed (409). */
export class CoverNotOpen extends Refusal {
  override readonly name = 'CoverNotOpen';
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** The file is not a renewal of this request's customer (422, with the reason). */
export class RenewalRefused extends Refusal {
  override readonly name = 'RenewalRefused';
  constructor(message: string) {
    super('RENEWAL_REFUSED', message);
  }
}

export interface RenewalContext {
  evidenceKeys: readonly VerificationKey[];
  policy: PolicySettings;
  destinations: CoverDestinations;
}

export type RenewalInput = { licenseFile: string } | { reason: string };

/**
 * Records the customer's renewal and closes the cover: from the customer's new license file
 * (decoded with the evidence keys and checked by `checkRenewal`), or marked done with a reason
 * (the route lets only approvers do that). The channel, the ticket and the tracker issue are
 * told, through jobs written in the same transaction.
 */
export async function recordRenewal(
  db: Kysely<Database>,
  ctx: RenewalContext,
  requestId: string,
  input: RenewalInput,
  audit: AuditActor,
  now: number,
): Promise<RecordedRenewal> {
  return db.transaction().execute(async (trx) => {
    const request = await trx
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirst();
    if (!request) throw new CoverNotOpen(`No request ${requestId}.`);
    if (!canRenew(request.cover_state)) {
      const earlier = parseRenewal(request.renewal);
      throw new CoverNotOpen(
        request.cover_state === 'renewed'
          ? `The renewal is already recorded${earlier ? ` (by ${earlier.recordedBy} at ${utcSecond(earlier.recordedAt)})` : ''}.`
          : noCoverYet(request.state, 'renew'),
      );
    }
    const recordedAt = new Date(now).toISOString();
    let renewal: RecordedRenewal;
    if ('licenseFile' in input) {
      if (ctx.evidenceKeys.length === 0)
        throw new RenewalRefused(
          'No evidence public key is configured, so Lifeline cannot read a license file: an approver can mark the renewal done with a reason instead.',
        );
      const decoded = decodeLicense(input.licenseFile, ctx.evidenceKeys);
      if (!decoded.ok) throw new RenewalRefused(decoded.error.message);
      const checked = checkRenewal(
        decoded.license,
        {
          email: request.customer_email,
          ...(request.customer_domain && { emailDomain: request.customer_domain }),
          ...(request.customer_company && { company: request.customer_company }),
          ...(request.subscription_id && { subscriptionId: request.subscription_id }),
        },
        (request.cover_ends_on ?? '') as CalendarDate,
        ctx.policy,
      );
      if (!checked.ok) throw new RenewalRefused(checked.message);
      const facts = checked.facts;
      renewal = {
        source: 'license_file',
        recordedBy: audit.actor,
        recordedAt,
        plan: facts.plan,
        ...(facts.userCount !== undefined && { userCount: facts.userCount }),
        startsOn: facts.startsOn,
        expiresOn: facts.expiresOn,
        ...(facts.company && { company: facts.company }),
        ...(facts.subscriptionId && { subscriptionId: facts.subscriptionId }),
        fingerprint: licenseFingerprint(input.licenseFile.replace(/^\uFEFF/, '')),
        keyName: decoded.key.label,
      };
    } else {
      renewal = { source: 'marked', recordedBy: audit.actor, recordedAt, reason: input.reason };
    }
    const moved = await trx
      .updateTable('requests')
      .set({ cover_state: 'renewed', renewal: JSON.stringify(renewal), updated_at: now })
      .where('id', '=', requestId)
      .where('cover_state', '=', request.cover_state)
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n)
      throw new CoverNotOpen('The cover changed meanwhile: reload the request and try again.');
    await announceCover(trx, requestId, { kind: 'renewed' }, ctx.destinations, now);
    await recordEvent(
      trx,
      {
        requestId,
        kind: 'cover.renewed',
        message:
          renewal.source === 'license_file'
            ? `Renewal recorded: ${renewal.plan} for ${renewal.userCount ?? '?'} seats, ${renewal.startsOn} to ${renewal.expiresOn}.`
            : `Renewal marked done without the license file: ${renewal.reason ?? ''}`,
        actor: audit.actor,
        data: { source: renewal.source, fingerprint: renewal.fingerprint },
      },
      now,
    );
    await appendAudit(
      trx,
      audit,
      {
        action: 'request.renewed',
        target: `request ${requestId}`,
        requestId,
        details: {
          source: renewal.source,
          previousCover: request.cover_state,
          ...(renewal.fingerprint && { fingerprint: renewal.fingerprint }),
          ...(renewal.reason && { reason: renewal.reason }),
        },
      },
      now,
    );
    return renewal;
  });
}
