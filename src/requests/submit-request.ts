import { Refusal } from '../refusal.js';
import { insertRow } from '../store/compiled-once.js';
import { newRowId } from '../store/row-id.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { ClaimedWithin, WakeSignal } from '../jobs/wake-signal.js';
import type { VerificationKey } from '../license/index.js';
import {
  emailDomainOf,
  type CustomerKeys,
  type Decision,
  type PolicySettings,
} from '../policy/index.js';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor, AuditEvent } from '../audit/audit-entry.js';
import { lockNames } from '../store/advisory-locks.js';
import { fitsIntegerColumn } from '../store/column-bounds.js';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import { decisionView, type DecisionView } from './decision-view.js';
import { ensureDelivery } from './deliveries.js';
import { decideSubmission, readSubmission, type ReadSubmission } from './decide-submission.js';
import { canonicalJson, sha256Hex } from './fingerprint.js';
import { trackerDeliveryId } from './delivery-ids.js';
import { holdForApproval, type ApprovalContext } from './approve-request.js';
import { followTracker, initialState, type RequestState } from './request-life.js';
import type { Requester, Submission } from './submission.js';
import type { PreviewOptions } from './preview-decision.js';
import { recordEvent } from './timeline.js';
import type { TicketDesk } from '../ports/ticket-desk.js';
import type { ScreenshotReads } from './ticket-evidence.js';
import { generateLicense } from './steps/generate-license.js';
import type { TrackerSyncContext } from './steps/sync-tracker-issue.js';

export interface SubmitContext {
  store: Store;
  clock: Clock;
  policy: PolicySettings;
  evidenceKeys: readonly VerificationKey[];
  wake: WakeSignal;
  /** Where the tracker issue goes, for the delivery record ("built-in tracker", "GitLab group/project"). */
  trackerDestination: string;
  /** The desk holding the tickets, when it can read their attachments (Zendesk). */
  ticketDesk?: TicketDesk;
  /** Recent ticket reads that showed screenshots, shared by the live check and submissions. */
  screenshotReads?: ScreenshotReads;
  /** Where notices and notes go, and how long a held request waits for an approver. */
  approval: ApprovalContext;
  /** Resends of one request an engineer may ask for (LIFELINE_RESEND_LIMIT); more need an approver. */
  resendLimit: number;
  /** The tracker: one that keeps its issues in the store gets a new request's issue at once. */
  tracker?: TrackerSyncContext;
}

export interface SubmitAnswer {
  id: string;
  state: RequestState;
  decision: DecisionView;
}

export interface SubmitResult {
  /**
   * 202 accepted (queued, or awaiting_approval when a guardrail holds it), 422 rejected by the
   * policy. A replay returns the first answer's status.
   */
  status: 202 | 422;
  body: SubmitAnswer;
  /** True when this answer is the stored answer to an earlier identical submission. */
  replayed: boolean;
}

export class IdempotencyKeyReused extends Refusal {
  override readonly name = 'IdempotencyKeyReused';
  constructor(readonly requestId: string) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `This Idempotency-Key was already used for a different request (${requestId}); use a new key for a new request.`,
    );
  }
}

/**
 * Decides and records a request in one transaction: the request, its decision, its first
 * timeline events and, when eligible, the jobs that will carry it out. Without an
 * Idempotency-Key, the same body submitted again on the same day returns the first answer, so a
 * double click or a client's retry never makes two requests.
 */
export async function submitRequest(
  ctx: SubmitContext,
  submission: Submission,
  requester: Requester,
  idempotencyKey?: string,
  audit?: AuditActor,
  options: PreviewOptions = {},
): Promise<SubmitResult> {
  const today = ctx.clock.today();
  const bodyFingerprint = sha256Hex(canonicalJson(submission));
  const key = idempotencyKey ? `key:${idempotencyKey}` : `auto:${today}:${bodyFingerprint}`;

  const earlier = await replay(ctx.store.db, key, bodyFingerprint);
  if (earlier) return earlier;

  const read = await readSubmission(ctx, submission);
  const { keys } = read;
  // What this process's worker claimed in the submission's transaction (its first jobs).
  let claimed: ClaimedWithin | undefined;
  try {
    const result = await ctx.store.db.transaction().execute(async (trx) => {
      if (ctx.store.dialect === 'postgres') {
        // Submissions for the same customer (any shared key) or with the same idempotency key
        // wait for each other, in every process, so the repeat check and the insert see each
        // other; submissions for different customers do not wait. One that waited for the same
        // key's first is refused by the key's unique index, and replays below: looking again
        // here would cost every submission a round trip for the rare race.
        await lockNames(trx, ctx.store.dialect, submissionLockNames(keys, key));
      }
      const recorded = await record(trx, ctx, submission, read, requester, key, bodyFingerprint, {
        volumeApproved: options.volumeApproved ?? false,
      });
      if (recorded.result.status === 202 && !recorded.result.replayed)
        claimed = await ctx.wake.claimWithin(trx);
      // Last, so the audit log's head is held only for the end of the transaction.
      if (audit) await appendAudit(trx, audit, recorded.audit, recorded.at);
      return recorded.result;
    });
    if (result.status === 202 && !result.replayed) {
      if (claimed) claimed.start();
      else ctx.wake.notify();
    }
    return result;
  } catch (error) {
    claimed?.abandon();
    claimed = undefined;
    // Two processes raced with the same key on a database without the lock: the loser replays.
    const raced = await replay(ctx.store.db, key, bodyFingerprint);
    if (raced) return raced;
    throw error;
  }
}

/** What a submission locks: each way of recognising its customer, and its idempotency key. */
export function submissionLockNames(keys: CustomerKeys, key: string): string[] {
  return [
    `submission:${key}`,
    `customer-email:${keys.email}`,
    ...(keys.mailbox ? [`customer-mailbox:${keys.mailbox}`] : []),
    ...(keys.emailDomain ? [`customer-domain:${keys.emailDomain}`] : []),
    ...(keys.company ? [`customer-company:${keys.company}`] : []),
    ...(keys.subscriptionId ? [`customer-subscription:${keys.subscriptionId}`] : []),
  ];
}

export async function replay(
  db: Kysely<Database>,
  key: string,
  bodyFingerprint: string,
): Promise<SubmitResult | undefined> {
  const row = await db
    .selectFrom('requests')
    .select(['id', 'body_fingerprint', 'first_response'])
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row ? replayOf(row, bodyFingerprint) : undefined;
}

/** The stored first answer of a request, for a submission with the same key. */
export function replayOf(
  row: { id: string; body_fingerprint: string; first_response: string | null },
  bodyFingerprint: string,
): SubmitResult | undefined {
  if (!row.first_response) return undefined;
  if (row.body_fingerprint !== bodyFingerprint) throw new IdempotencyKeyReused(row.id);
  const first = JSON.parse(row.first_response) as Omit<SubmitResult, 'replayed'>;
  return { ...first, replayed: true };
}

/** A recorded submission's answer, and the audit entry its recorder appends last. */
export interface Recorded {
  result: SubmitResult;
  audit: AuditEvent;
  /** When it was recorded: the audit entry's time. */
  at: number;
}

/**
 * Decides and writes one request in the caller's transaction, without the audit entry: the
 * caller appends it last (one submission, or a batch's chunk of them).
 */
export async function record(
  trx: Kysely<Database>,
  ctx: SubmitContext,
  submission: Submission,
  read: ReadSubmission,
  requester: Requester,
  key: string,
  bodyFingerprint: string,
  options: Required<PreviewOptions>,
): Promise<Recorded> {
  const now = ctx.clock.now();
  const today = ctx.clock.today();
  const { gathered, keys } = read;
  const decision = await decideSubmission(
    trx,
    ctx,
    submission,
    read,
    requester.name,
    { now, today },
    options,
  );

  const id = newRowId();
  const state: RequestState = initialState(decision);
  const status = decision.eligible ? 202 : 422;
  const body: SubmitAnswer = { id, state, decision: decisionView(decision) };
  const requestedBy = requester.name;

  await insertRow(trx, 'requests', {
    id,
    created_at: now,
    updated_at: now,
    state,
    revision: 1,
    ticket_id: submission.ticket.id,
    ticket_url: submission.ticket.url,
    requested_by: requestedBy,
    origin: requester.origin,
    customer_email: submission.customerEmail,
    user_count: fitsIntegerColumn(submission.userCount) ? submission.userCount : 0,
    evidence_kind: 'licenseFile' in gathered.evidence ? 'license_file' : 'screenshots',
    note: submission.note ?? null,
    idempotency_key: key,
    body_fingerprint: bodyFingerprint,
    first_response: JSON.stringify({ status, body }),
    customer_domain: emailDomainOf(keys.email) ?? null,
    customer_mailbox: keys.mailbox ?? null,
    customer_company: keys.company ?? null,
    subscription_id: keys.subscriptionId ?? null,
    created_on: today,
    failed_step: null,
    failure_message: null,
    failure_next_action: null,
    tracker_issue_number: null,
    tracker_issue_url: null,
    tracker_issue_title: null,
    tracker_issue_state: null,
    tracker_synced_revision: null,
  });
  const document = JSON.stringify(decision);
  await insertRow(trx, 'decisions', {
    id: newRowId(),
    request_id: id,
    eligible: decision.eligible ? 1 : 0,
    policy_version: decision.policyVersion,
    decided_on: decision.decidedOn,
    document,
    created_at: now,
  });
  // A held request's first event is its wait (holdForApproval), with the guardrails' reasons.
  if (state !== 'awaiting_approval')
    await recordEvent(
      trx,
      {
        requestId: id,
        kind: state === 'queued' ? 'request.accepted' : 'request.rejected',
        message: decision.summary,
        actor: requestedBy,
        data: { policyVersion: decision.policyVersion, origin: requester.origin },
      },
      now,
    );
  if (state === 'awaiting_approval') {
    await holdForApproval(
      trx,
      ctx.approval,
      { requestId: id, requestedBy, guardrails: decision.guardrails },
      now,
    );
  }
  if (state === 'queued') {
    await ensureDelivery(
      trx,
      {
        id: trackerDeliveryId(id),
        requestId: id,
        medium: 'tracker',
        purpose: 'sync',
        destination: ctx.trackerDestination,
      },
      now,
    );
    await enqueueJobs(trx, [generateLicense.job({ requestId: id })], now);
    // The decision as stored, as every later sync reads it.
    const stored = JSON.parse(document) as Decision;
    await followTracker(trx, id, 1, now, ctx.tracker, { decision: stored });
  }
  return {
    result: { status, body, replayed: false },
    at: now,
    audit: {
      action: 'request.created',
      target: `request ${id}`,
      requestId: id,
      details: {
        requestedBy,
        ticket: submission.ticket.id,
        customerEmail: submission.customerEmail,
        userCount: submission.userCount,
        decision:
          state === 'rejected' ? 'rejected' : state === 'queued' ? 'eligible' : 'needs_approval',
        ...(decision.needsApproval && {
          guardrails: decision.guardrails.map((held) => held.code),
        }),
        summary: decision.summary,
        policyVersion: decision.policyVersion,
      },
    },
  };
}
