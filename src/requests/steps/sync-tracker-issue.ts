import type { Kysely } from 'kysely';
import { compiledOnce } from '../../store/compiled-once.js';
import type { JobSettlement, RequestJob, RequestStepHandler } from '../../jobs/job-handler.js';
import { defineRequestStep } from '../../jobs/step.js';
import { RunLater } from '../../jobs/job-handler.js';
import type { TrackerIssueDraft, TrackerIssueRef } from '../../ports/tracker.js';
import type { RequestState } from '../request-life.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { Database, LicenseRow } from '../../store/schema.js';
import type { Decision } from '../../policy/index.js';
import { markDelivered, markDeliveryFailed } from '../deliveries.js';
import { loadDecision, loadLicense, loadRequest } from '../request-records.js';
import { recordEvent } from '../timeline.js';
import { trackerIssueDescription, trackerIssueTitle } from '../tracker-issue-text.js';
import type { RequestFailure, RequestStep } from '../request.js';
import { trackerDeliveryId } from '../delivery-ids.js';
import { claimedBefore } from './delivery-attempt.js';

export const syncTrackerIssue = defineRequestStep({
  kind: 'sync_tracker_issue',
  label: 'record the request in the tracker',
  maxAttempts: 20,
  concurrency: 2,
  remote: 'tracker',
  // One sync per revision: a sync writes the request as it is then, so any order is fine.
  uniqueKey: ({ requestId, revision }: { requestId: string; revision: number }) =>
    `sync_tracker_issue:${requestId}:${revision}`,
  place: ({ requestId }) => ({ requestId, deliveryId: trackerDeliveryId(requestId) }),
  handler: (ctx: PipelineContext) => syncTrackerIssueStep(ctx),
});

/**
 * Brings the request's tracker issue up to date with the request as it is now (not as it was
 * when the job was queued), so sync jobs may run in any order and the last one always writes
 * the latest state. Two syncs of one request must never talk to the tracker at once, which
 * could open two issues: in one process they take turns, and a sync that finds another
 * process's sync of the request running waits for it (see `heldElsewhere`).
 */
function syncTrackerIssueStep(ctx: PipelineContext): RequestStepHandler {
  const db = ctx.store.db;
  const turns = new RequestTurns();
  return {
    // Syncs of one request in this process take turns instead of finding each other running and
    // coming back a quarter of a second later: the close that follows the email goes out the
    // moment the issue's creation is recorded.
    run: (job, _signal, settle) => turns.take(job.requestId, () => syncInTurn(job, settle)),
    async onFailed(job, verdict) {
      const now = ctx.clock.now();
      await markDeliveryFailed(db, job.deliveryId, now);
      await recordEvent(
        db,
        {
          requestId: job.requestId,
          kind: 'tracker.failed',
          message: `Could not update the tracker issue: ${verdict.message}`,
          data: { code: verdict.code },
        },
        now,
      );
    },
  };

  async function syncInTurn(job: RequestJob, settle: JobSettlement): Promise<void> {
    // A sync that ran after this job was queued wrote the request as it is: nothing to write
    // but this job's completion (the second of a request's two syncs, usually).
    if (await alreadySynced(ctx, job.requestId)) return;
    if (await heldElsewhere(ctx, job))
      throw new RunLater(250, 'another worker is updating this tracker issue');
    await sync(ctx, job, settle);
  }
}

/**
 * Whether another worker is running a sync of this job's request now: another job of the same
 * delivery, running, held by another worker whose lease is live. A read, where a lock on the
 * request cost a write transaction per sync (issue 11).
 *
 * Two processes never both go on: a job is marked running, with its worker and lease, by a
 * claim that commits before the job's handler starts, so before this read. Of two overlapping
 * syncs A and B, either A's read comes after B's claim committed, and A sees B, or it comes
 * before, so B's claim, and B's read after it, come after A's claim committed, and B sees A. At
 * least one of them waits; both may (each comes back 250 ms later), never both proceed. Syncs
 * held by this same worker are not counted: they take their turns in `RequestTurns`, and one
 * waiting in line behind this one is running as far as the jobs table can tell. A worker that
 * died leaves its lease to lapse, and then its job no longer holds the request up.
 */
async function heldElsewhere(ctx: PipelineContext, job: RequestJob): Promise<boolean> {
  const worker = job.lockedBy;
  const other = await ctx.store.db
    .selectFrom('jobs')
    .select('id')
    // The request narrows the read to its few jobs, whatever the indexes on delivery.
    .where('request_id', '=', job.requestId)
    .where((eb) =>
      job.deliveryId === null
        ? eb('kind', '=', 'sync_tracker_issue')
        : eb('delivery_id', '=', job.deliveryId),
    )
    .where('id', '!=', job.id)
    .where('state', '=', 'running')
    .$if(worker !== null, (qb) => qb.where('locked_by', '!=', worker ?? ''))
    .where('locked_until', '>', ctx.clock.now())
    .executeTakeFirst();
  return other !== undefined;
}

/** One job at a time per request, in the order they arrive; a failed turn does not stop the next. */
class RequestTurns {
  private readonly last = new Map<string, Promise<void>>();

  async take(requestId: string, turn: () => Promise<void>): Promise<void> {
    const mine = (this.last.get(requestId) ?? Promise.resolve()).then(turn);
    const settled = mine.catch(() => undefined);
    this.last.set(requestId, settled);
    try {
      await mine;
    } finally {
      if (this.last.get(requestId) === settled) this.last.delete(requestId);
    }
  }
}

async function alreadySynced(ctx: PipelineContext, requestId: string): Promise<boolean> {
  const request = await ctx.store.db
    .selectFrom('requests')
    .select(['revision', 'tracker_synced_revision'])
    .where('id', '=', requestId)
    .executeTakeFirst();
  return isSynced(request);
}

function isSynced(
  request:
    { revision: number | string; tracker_synced_revision: number | string | null } | undefined,
): boolean {
  return (
    request !== undefined &&
    request.tracker_synced_revision !== null &&
    Number(request.tracker_synced_revision) >= Number(request.revision)
  );
}

/** What a sync needs of the service: where issues go, the console's links, the crash tests' points. */
export type TrackerSyncContext = Pick<PipelineContext, 'tracker' | 'requestUrl' | 'crashPoint'>;

/**
 * Records of the request its mover has read already, so the sync does not read them again: the
 * decision (never changed once made) and the current license (the newest of its lineage).
 */
export interface KnownRecords {
  decision?: Decision;
  license?: LicenseRow;
}

/** The request's tracker issue as it should be now, and what the request knows of it. */
interface CurrentIssue {
  revision: number;
  draft: TrackerIssueDraft;
  known: TrackerIssueRef | undefined;
}

/**
 * Reads the request as it is (in `db`, a transaction or not) and drafts its issue; undefined
 * when it is gone, already synced at this revision, or has no decision.
 */
async function currentIssue(
  db: Kysely<Database>,
  ctx: TrackerSyncContext,
  requestId: string,
  read: KnownRecords = {},
): Promise<CurrentIssue | undefined> {
  const request = await loadRequest(db, requestId);
  if (!request || isSynced(request)) return undefined;
  const revision = Number(request.revision);
  const state = request.state as RequestState;
  // The license is copied into the issue only once the request has succeeded.
  const [decision, license] = await Promise.all([
    read.decision ?? loadDecision(db, requestId),
    state === 'succeeded' ? (read.license ?? loadLicense(db, requestId)) : undefined,
  ]);
  if (!decision) return undefined;
  const userCount = Number(request.user_count);
  const failure: RequestFailure | undefined =
    state === 'failed'
      ? {
          step: (request.failed_step ?? 'send_email') as RequestStep,
          message: request.failure_message ?? 'unknown error',
          nextAction: request.failure_next_action ?? 'Retry the request.',
        }
      : undefined;
  const requestUrl = ctx.requestUrl(requestId);
  const draft = {
    requestId,
    title: trackerIssueTitle(state, request.customer_email, userCount),
    state: state === 'succeeded' ? ('closed' as const) : ('open' as const),
    description: trackerIssueDescription({
      requestId,
      state,
      ticket: { id: request.ticket_id, url: request.ticket_url },
      requestedBy: request.requested_by,
      customerEmail: request.customer_email,
      userCount,
      decision,
      note: request.note,
      ...(requestUrl && { requestUrl }),
      ...(failure && { failure }),
      // The copy of the license the handbook promises, once the customer has been sent it.
      ...(license &&
        state === 'succeeded' && {
          license: {
            text: license.text,
            fingerprint: license.fingerprint,
            issuedAt: license.issued_at,
            expiresAt: license.expires_at,
          },
        }),
    }),
  };
  const known: TrackerIssueRef | undefined =
    request.tracker_issue_number === null
      ? undefined
      : {
          number: Number(request.tracker_issue_number),
          title: request.tracker_issue_title ?? '',
          state: request.tracker_issue_state === 'closed' ? 'closed' : 'open',
          ...(request.tracker_issue_url && { url: request.tracker_issue_url }),
        };
  return { revision, draft, known };
}

/** Records what the tracker answered: the request's issue, its delivery, the timeline's event. */
async function recordIssue(
  trx: Kysely<Database>,
  ctx: TrackerSyncContext,
  requestId: string,
  issue: CurrentIssue,
  ref: TrackerIssueRef,
  now: number,
): Promise<void> {
  const { known, revision } = issue;
  await updateIssueRef(trx, ref.number, ref.url ?? null, ref.title, ref.state, revision, requestId);
  await markDelivered(trx, trackerDeliveryId(requestId), ref.url ?? `#${ref.number}`, now);
  if (!known || known.state !== ref.state || known.title !== ref.title) {
    await recordEvent(
      trx,
      {
        requestId,
        kind: 'tracker.synced',
        message: `Tracker issue #${ref.number} is ${ref.state}: ${ref.title}`,
        data: { number: ref.number, url: ref.url, tracker: ctx.tracker.name },
      },
      now,
    );
  }
}

// Each of a request's syncs records its issue: compiled once (see compiledOnce).
const updateIssueRef = compiledOnce(
  (
    db,
    number: number,
    url: string | null,
    title: string,
    issueState: string,
    revision: number,
    requestId: string,
  ) =>
    db
      .updateTable('requests')
      .set({
        tracker_issue_number: number,
        tracker_issue_url: url,
        tracker_issue_title: title,
        tracker_issue_state: issueState,
        tracker_synced_revision: revision,
      })
      .where('id', '=', requestId),
);

/**
 * With a tracker that keeps its issues in the store (the built-in one), brings the request's
 * issue up to date in `trx`, the transaction that changed the request: no job, no second
 * transaction, and the issue can never show an older state than the request (issue 11: two of a
 * request's six jobs, and a third of a batch row's work). Answers false, writing nothing, when
 * the tracker is elsewhere: a sync job must carry the change.
 */
export async function syncInStore(
  trx: Kysely<Database>,
  ctx: TrackerSyncContext,
  requestId: string,
  now: number,
  read?: KnownRecords,
): Promise<boolean> {
  const inStore = ctx.tracker.inStore;
  if (!inStore) return false;
  const issue = await currentIssue(trx, ctx, requestId, read);
  if (!issue) return true;
  await recordIssue(trx, ctx, requestId, issue, await inStore.upsert(trx, issue.draft), now);
  return true;
}

/** Writes the issue and records it, completing the job in the same transaction. */
async function sync(ctx: PipelineContext, job: RequestJob, settle: JobSettlement): Promise<void> {
  const { requestId } = job;
  const db = ctx.store.db;
  if (ctx.tracker.inStore) {
    // The issue is a row of this database: the request is read, and its issue written and
    // recorded, in the transaction that completes the job, so a crash leaves all of it or none
    // and a move committed meanwhile is never overwritten by an older read (issue 11).
    ctx.crashPoint?.('sync_tracker_issue:before_upsert');
    const now = ctx.clock.now();
    await db
      .transaction()
      .execute(async (trx) => {
        // Taken over (our lease lapsed): nothing has left the database yet, so nothing is
        // written; the job's new holder syncs the request as it is then.
        if (!(await settle.complete(trx))) throw takenOver;
        await syncInStore(trx, ctx, requestId, now);
      })
      .catch((error: unknown) => {
        if (error !== takenOver) throw error;
      });
    return;
  }

  const issue = await currentIssue(db, ctx, requestId);
  if (!issue) return;
  ctx.crashPoint?.('sync_tracker_issue:before_upsert');
  // Read while no other sync of the request is talking to the tracker (see `heldElsewhere`).
  const firstAttempt = issue.known === undefined && !(await claimedBefore(ctx, job));
  const ref = await ctx.tracker.upsert(issue.draft, issue.known, { firstAttempt });
  const now = ctx.clock.now();
  await db.transaction().execute(async (trx) => {
    // Recorded even when the job was taken over: the remote has the issue already.
    await settle.complete(trx);
    await recordIssue(trx, ctx, requestId, issue, ref, now);
  });
}

/** Rolls back an in-store sync whose job another worker took over. */
const takenOver = new Error('the sync’s job was taken over by another worker');
