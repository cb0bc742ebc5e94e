import { Refusal } from '../refusal.js';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { GuardrailOutcome } from '../policy/index.js';
import type { Database } from '../store/schema.js';
import { isRequester, loadApproval, whoMayApprove } from './approval-records.js';
import { announceOutcome, ensureDelivery, type AnnouncementDestinations } from './deliveries.js';
import { trackerDeliveryId } from './delivery-ids.js';
import { moveRequest } from './request-life.js';
import { recordEvent } from './timeline.js';
import { generateLicense } from './steps/generate-license.js';
import { expireApproval } from './steps/expire-approval.js';
import type { TrackerSyncContext } from './steps/sync-tracker-issue.js';

/** What holding, settling and expiring an approval need from the composition root. */
export interface ApprovalContext {
  /** Where notices and notes go, for the delivery records. */
  destinations: AnnouncementDestinations;
  /** Where the tracker issue goes, for its delivery record once the request is approved. */
  trackerDestination: string;
  /** How long a request waits for an approver before it expires (LIFELINE_APPROVAL_EXPIRY_HOURS). */
  expiryMs: number;
  /** The tracker: one that keeps its issues in the store is written as the request moves. */
  tracker?: TrackerSyncContext;
}

export class NotAwaitingApproval extends Refusal {
  override readonly name = 'NotAwaitingApproval';
  constructor(message: string) {
    super('NOT_AWAITING_APPROVAL', message);
  }
}

/** An approver settling their own request: a second person's approval means another person. */
export class OwnRequest extends Refusal {
  override readonly name = 'OwnRequest';
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/**
 * Starts a request's wait, in the transaction that records it: the approval record with the
 * guardrails' reasons and the deadline, the job that expires it at that deadline, and the notice
 * to the licensing channel and the ticket that it waits.
 */
export async function holdForApproval(
  trx: Kysely<Database>,
  ctx: ApprovalContext,
  hold: { requestId: string; requestedBy: string; guardrails: GuardrailOutcome[] },
  now: number,
): Promise<void> {
  const expiresAt = now + ctx.expiryMs;
  await trx
    .insertInto('approvals')
    .values({
      request_id: hold.requestId,
      requested_by: hold.requestedBy,
      reasons: JSON.stringify(hold.guardrails),
      created_at: now,
      expires_at: expiresAt,
      verdict: null,
      decided_by: null,
      reason: null,
      decided_at: null,
    })
    .execute();
  await enqueueJobs(
    trx,
    [expireApproval.job({ requestId: hold.requestId, runAt: expiresAt })],
    now,
  );
  await recordEvent(
    trx,
    {
      requestId: hold.requestId,
      kind: 'request.awaiting_approval',
      message: `Waiting for ${whoMayApprove(hold.requestedBy)} until ${new Date(expiresAt).toISOString()}: ${hold.guardrails.map((held) => held.message).join(' ')}`,
      data: { guardrails: hold.guardrails.map((held) => held.code) },
    },
    now,
  );
  await announceOutcome(trx, hold.requestId, 'awaiting_approval', ctx.destinations, now);
}

export type Verdict = 'approved' | 'declined';

/**
 * An approver's verdict on a waiting request. Approved: the pipeline continues (the license is
 * generated, emailed, recorded and announced). Declined: the request ends as rejected, and the
 * channel and the ticket are told. The requester may never settle their own request.
 */
export async function settleApproval(
  db: Kysely<Database>,
  ctx: ApprovalContext,
  settle: { requestId: string; verdict: Verdict; approver: string; reason: string },
  now: number,
  audit: AuditActor,
): Promise<{ id: string; state: 'queued' | 'rejected'; verdict: Verdict }> {
  return db.transaction().execute(async (trx) => {
    const approval = await loadApproval(trx, settle.requestId);
    const request = await trx
      .selectFrom('requests')
      .select(['state', 'requested_by'])
      .where('id', '=', settle.requestId)
      .executeTakeFirst();
    if (
      !request ||
      !approval ||
      approval.verdict !== null ||
      request.state !== 'awaiting_approval'
    ) {
      throw new NotAwaitingApproval(
        approval?.verdict
          ? `This request is no longer waiting for approval: it was ${approval.verdict}${approval.decided_by ? ` by ${approval.decided_by}` : ''}.`
          : `This request is not waiting for approval (it is ${request?.state ?? 'unknown'}): only a request a guardrail held can be approved or declined.`,
      );
    }
    if (isRequester(request.requested_by, settle.approver)) {
      throw new OwnRequest(
        `You asked for this license, so you cannot ${settle.verdict === 'approved' ? 'approve' : 'decline'} it yourself: ${whoMayApprove(request.requested_by)} must.`,
      );
    }
    const approved = settle.verdict === 'approved';
    const to = approved ? 'queued' : 'rejected';
    // A waiting request has no tracker issue: approval makes one, as acceptance does.
    if (approved)
      await ensureDelivery(
        trx,
        {
          id: trackerDeliveryId(settle.requestId),
          requestId: settle.requestId,
          medium: 'tracker',
          purpose: 'sync',
          destination: ctx.trackerDestination,
        },
        now,
      );
    const moved = await moveRequest(
      trx,
      settle.requestId,
      { to, ending: 'declined' },
      { now, destinations: ctx.destinations, ...(ctx.tracker && { tracker: ctx.tracker }) },
    );
    const recorded = await trx
      .updateTable('approvals')
      .set({
        verdict: settle.verdict,
        decided_by: settle.approver,
        reason: settle.reason,
        decided_at: now,
      })
      .where('request_id', '=', settle.requestId)
      .where('verdict', 'is', null)
      .executeTakeFirst();
    if (moved === undefined || Number(recorded.numUpdatedRows) !== 1) {
      throw new NotAwaitingApproval('This request was settled by someone else a moment ago.');
    }
    // The expiry job has nothing left to do.
    await trx
      .updateTable('jobs')
      .set({ state: 'cancelled', updated_at: now })
      .where('unique_key', '=', `expire_approval:${settle.requestId}`)
      .where('state', '=', 'pending')
      .execute();
    await recordEvent(
      trx,
      {
        requestId: settle.requestId,
        kind: settle.verdict === 'approved' ? 'request.approved' : 'request.declined',
        message: `${settle.verdict === 'approved' ? 'Approved' : 'Declined'} by ${settle.approver}: ${settle.reason}`,
        actor: settle.approver,
      },
      now,
    );
    if (approved) {
      await enqueueJobs(trx, [generateLicense.job({ requestId: settle.requestId })], now);
    }
    await appendAudit(
      trx,
      audit,
      {
        action: settle.verdict === 'approved' ? 'request.approved' : 'request.declined',
        target: `request ${settle.requestId}`,
        requestId: settle.requestId,
        details: { reason: settle.reason, requestedBy: request.requested_by },
      },
      now,
    );
    return { id: settle.requestId, state: to, verdict: settle.verdict };
  });
}
