import { Refusal } from '../refusal.js';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { Database } from '../store/schema.js';
import { isWaiting, noCoverYet, type CoverSettings } from './cover.js';
import type { ExtensionAsk } from './extension-asks.js';
import { extensionAskKey } from './delivery-ids.js';
import { extendLicense } from './steps/extend-license.js';
import { CoverNotOpen } from './record-renewal.js';
import { extensionSeatsProblem } from '../policy/index.js';
import { loadDecision, loadLicense } from './request-records.js';
import { recordEvent } from './timeline.js';

export interface ExtensionContext {
  cover: CoverSettings;
  /** The policy's ceiling for a user count. */
  maxUserCount: number;
}

/** The extension is not allowed: the requester's own, past the limit, out of bounds (403/409/422). */
export class ExtensionRefused extends Refusal {
  override readonly name = 'ExtensionRefused';
  constructor(status: 403 | 409 | 422, message: string) {
    super(extensionCodes[status], message);
  }
}

const extensionCodes = { 403: 'FORBIDDEN', 409: 'CONFLICT', 422: 'EXTENSION_REFUSED' } as const;

/**
 * An approver asks to extend a waiting cover with a new temporary license, the next of the
 * request's lineage. The ask is checked here (never the requester, at most
 * LIFELINE_EXTENSIONS_MAX, seats within the policy's ceiling) and queued as an `extend_license`
 * job, which signs away from the API call (a PKCS#11 module may take seconds): the caller hears
 * `pending` at once. The job's unique key, one per lineage index and round, is the claim, so a
 * double click or two approvers at once queue one job and the second hears 409.
 */
export async function askExtension(
  db: Kysely<Database>,
  ctx: ExtensionContext,
  requestId: string,
  ask: { reason: string; userCount?: number },
  approver: { name: string },
  audit: AuditActor,
  now: number,
): Promise<{ id: string; state: 'pending'; lineage: number; userCount: number }> {
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
        ? noCoverYet(request.state, 'extend')
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
  // The first license's seats, which the decision checked against the evidence.
  const userCount = ask.userCount ?? Number(request.user_count);
  if (!Number.isSafeInteger(userCount) || userCount < 1 || userCount > ctx.maxUserCount)
    throw new ExtensionRefused(
      422,
      `The user count must be a whole number from 1 to ${ctx.maxUserCount} (the policy's ceiling).`,
    );
  // The customer's GitLab checks an extension's seats as it checked the first license's.
  const decision = await loadDecision(db, requestId);
  const seatsProblem = extensionSeatsProblem(
    userCount,
    decision?.facts,
    decision?.licenseTerms?.previousUserCount,
  );
  if (seatsProblem) throw new ExtensionRefused(422, seatsProblem);
  const lineage = made + 1;
  const beingMade = new ExtensionRefused(
    409,
    'An extension of this cover is already being made (asked by another approver, or a double click): reload the request.',
  );

  await db.transaction().execute(async (trx) => {
    // Read again inside the claim: an extension made since the checks above is not asked twice.
    const latest = await trx
      .selectFrom('requests')
      .select(['extensions', 'cover_state'])
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
    if (Number(latest.extensions) !== made || !isWaiting(latest.cover_state))
      throw new ExtensionRefused(
        409,
        'The cover changed meanwhile (extended or renewed by someone else): reload the request.',
      );
    const earlier = await trx
      .selectFrom('jobs')
      .select('state')
      .where('request_id', '=', requestId)
      .where('kind', '=', 'extend_license')
      .where('delivery_id', '=', extensionAskKey(lineage))
      .execute();
    if (earlier.some((job) => job.state === 'pending' || job.state === 'running')) throw beingMade;
    // A round that failed for good (the signer was down) leaves its key taken: ask in a new one.
    const round = earlier.length;
    if ((await enqueueJobs(trx, [extendLicense.job({ requestId, lineage, round })], now)) === 0)
      throw beingMade;
    const data: Omit<ExtensionAsk, 'at'> = {
      lineage,
      round,
      reason: ask.reason,
      userCount,
      by: approver.name,
      audit,
    };
    await recordEvent(
      trx,
      {
        requestId,
        kind: 'cover.extension_asked',
        message: `${approver.name} asked for an extension: a new temporary license for ${userCount} users, being signed. Reason: ${ask.reason}`,
        actor: approver.name,
        data: { ...data },
      },
      now,
    );
    await appendAudit(
      trx,
      audit,
      {
        action: 'request.extended',
        target: `request ${requestId}`,
        requestId,
        details: { state: 'asked', lineage, userCount, reason: ask.reason },
      },
      now,
    );
  });
  return { id: requestId, state: 'pending', lineage, userCount };
}
