import type { Clock } from '../clock.js';
import type { AuditActor } from '../audit/audit-entry.js';
import type { NoticeChannel } from '../ports/notice-channel.js';
import type { Tracker } from '../ports/tracker.js';
import { RunLater, type JobHandler } from '../jobs/job-handler.js';
import type { Job } from '../jobs/job.js';
import { generateLicense } from '../requests/steps/generate-license.js';
import { sendEmail } from '../requests/steps/send-email.js';
import { submitChunk } from '../requests/submit-chunk.js';
import type { SubmitContext } from '../requests/submit-request.js';
import type { Submission } from '../requests/submission.js';
import { sql, type Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import { requestStatesOf } from './batch.js';
import { batchCounts, enqueueBatchRun, loadBatch } from './batch-records.js';
import { batchNotice, batchTrackerDraft } from './batch-summary.js';

export interface BatchContext {
  store: Store;
  clock: Clock;
  submit: SubmitContext;
  tracker: Tracker;
  notice: NoticeChannel;
  /** The batch's page in the console and its report, when the public URL is configured. */
  batchUrl(batchId: string): string | undefined;
  reportUrl(batchId: string): string | undefined;
  /** Rows submitted per job: a stop takes effect between chunks. */
  chunkSize: number;
  /** How long to wait before looking again whether the last rows' requests are done. */
  settleCheckMs: number;
  /** License jobs due and waiting at which the next chunk waits for the queue to shorten. */
  queueLimit: number;
  /** How long a chunk waits before looking at the queue again. */
  busyCheckMs: number;
}

/**
 * A batch runs as a chain of run_batch jobs: each submits the next chunk of rows as ordinary
 * requests (idempotency key `batch:BATCH:ROW`, so a chunk run again after a crash replays the
 * requests it already made) and enqueues the next; the last waits for its requests to settle,
 * then writes the batch's one tracker issue and posts its one notice.
 */
export function runBatchHandler(ctx: BatchContext): JobHandler {
  return {
    async run(job: Job) {
      const batchId = job.deliveryId ?? '';
      const batch = await loadBatch(ctx.store.db, batchId);
      if (!batch || batch.state === 'stopped' || batch.state === 'finished') return;
      const db = ctx.store.db;
      if (batch.state === 'queued')
        await db
          .updateTable('batches')
          .set({ state: 'running' })
          .where('id', '=', batchId)
          .where('state', '=', 'queued')
          .execute();
      // A batch stopped while queued is resumed straight to running: its first chunk, whatever
      // the state that led here, is when it started (rowsPerSecond counts from it).
      if (batch.started_at === null)
        await db
          .updateTable('batches')
          .set({ started_at: ctx.clock.now() })
          .where('id', '=', batchId)
          .where('started_at', 'is', null)
          .execute();

      const chunk = await db
        .selectFrom('batch_rows')
        .select(['row_number', 'submission', 'same_as_row'])
        .where('batch_id', '=', batchId)
        .where('errors', 'is', null)
        .where('request_id', 'is', null)
        .orderBy('row_number')
        .limit(ctx.chunkSize)
        .execute();
      if (chunk.length > 0) {
        // A chunk waits while earlier rows' licenses or emails wait for the worker, so the queue
        // (and every claim that walks it) stays short however big the batch, instead of the
        // whole file's jobs waiting at once: claims walk the due jobs in order, and ten thousand
        // due emails ahead of a ticket note made each claim read them all (0.9 rows/s at 10,000
        // rows). A row is issued when its email is accepted, so while the mail server's circuit
        // is open the batch waits for it rather than piling up licenses it cannot send, and goes
        // on by itself when mail is back; a remote that only takes notes or issues never holds it.
        if ((await dueToIssue(db, ctx.clock.now(), ctx.queueLimit)) >= ctx.queueLimit)
          throw new RunLater(ctx.busyCheckMs, 'the batch’s earlier rows are still being worked');
        const audit = JSON.parse(batch.audit_actor) as AuditActor;
        await submitChunk(
          ctx.submit,
          chunk.map((row) => ({
            submission: JSON.parse(row.submission ?? '{}') as Submission,
            // A row that repeats an earlier one exactly is that row's request, not a second one.
            idempotencyKey: `batch:${batchId}:${row.same_as_row === null ? row.row_number : Number(row.same_as_row)}`,
          })),
          { name: batch.created_by, origin: 'batch' },
          audit,
          { volumeApproved: true },
          async (trx, answers) => {
            for (const [index, row] of chunk.entries())
              await trx
                .updateTable('batch_rows')
                .set({ request_id: answers[index]?.body.id ?? null })
                .where('batch_id', '=', batchId)
                .where('row_number', '=', row.row_number)
                .execute();
            const now = await trx
              .selectFrom('batches')
              .select('state')
              .where('id', '=', batchId)
              .executeTakeFirst();
            if (now?.state === 'running') await enqueueBatchRun(trx, batchId, ctx.clock.now());
          },
        );
        return;
      }

      const inFlight = await db
        .selectFrom('batch_rows as br')
        .innerJoin('requests as r', 'r.id', 'br.request_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('br.batch_id', '=', batchId)
        .where('r.state', 'in', requestStatesOf.pending)
        .executeTakeFirstOrThrow();
      if (Number(inFlight.n) > 0)
        throw new RunLater(ctx.settleCheckMs, 'the batch’s last requests are still on their way');

      // An attempt before this one (a crash, a lost answer) may have posted the notice already.
      await finish(ctx, batchId, job.attempts > 1);
    },
  };
}

/** License and email jobs due now and waiting for a slot, counted up to `limit` (stays cheap). */
async function dueToIssue(db: Kysely<Database>, now: number, limit: number): Promise<number> {
  const due = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        // A literal, so SQLite seeks through the partial index jobs_due (migration 0019).
        .where('state', '=', sql.lit('pending'))
        .where('run_at', '<=', now)
        .where('kind', 'in', [generateLicense.kind, sendEmail.kind])
        .limit(limit)
        .as('due'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(due.n);
}

/** The batch's one tracker issue and one notice, each made once, then the batch is finished. */
async function finish(ctx: BatchContext, batchId: string, triedBefore: boolean): Promise<void> {
  const db = ctx.store.db;
  const batch = await loadBatch(db, batchId);
  if (!batch || batch.state !== 'running') return;
  const url = ctx.batchUrl(batchId);
  const reportUrl = ctx.reportUrl(batchId);
  const summary = {
    id: batchId,
    fileName: batch.file_name,
    reason: batch.reason,
    createdBy: batch.created_by,
    counts: await batchCounts(db, batchId),
    ...(url && { url }),
    ...(reportUrl && { reportUrl }),
  };
  // The tracker finds the batch's issue by its key, so an upsert after a crash updates it.
  const issue = await ctx.tracker.upsert(batchTrackerDraft(summary));
  await db
    .updateTable('batches')
    .set({ tracker_issue_number: issue.number, tracker_issue_url: issue.url ?? null })
    .where('id', '=', batchId)
    .execute();
  if (batch.notice_posted_at === null) {
    // Keyed by the batch, so a retry finds the notice an attempt posted just before a crash
    // (Slack's history), or says it may repeat it (an incoming webhook), instead of a silent copy.
    await ctx.notice.postText(
      { ...batchNotice(summary, issue.url), key: `batch:${batchId}` },
      triedBefore ? { since: Number(batch.created_at) } : undefined,
    );
    await db
      .updateTable('batches')
      .set({ notice_posted_at: ctx.clock.now() })
      .where('id', '=', batchId)
      .execute();
  }
  await db
    .updateTable('batches')
    .set({ state: 'finished', finished_at: ctx.clock.now() })
    .where('id', '=', batchId)
    .where('state', '=', 'running')
    .execute();
}
