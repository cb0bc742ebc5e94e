import { createHash } from 'node:crypto';
import { newRowId } from '../store/row-id.js';
import { sql, type Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import { canonicalJson } from '../requests/fingerprint.js';
import { Refusal } from '../refusal.js';
import { fitsIntegerColumn } from '../store/column-bounds.js';
import type { BatchRow, Database } from '../store/schema.js';
import {
  requestStatesOf,
  rowOutcome,
  type BatchCounts,
  type BatchRowView,
  type BatchState,
  type BatchView,
  type RowOutcome,
} from './batch.js';
import type { BatchFormat, BatchRowInput } from './batch-file.js';
import { runBatch } from './run-batch-step.js';

/** Enqueues the batch's next run_batch job, in the caller's transaction. */
export async function enqueueBatchRun(
  db: Kysely<Database>,
  batchId: string,
  now: number,
): Promise<void> {
  const bumped = await db
    .updateTable('batches')
    .set({ job_round: sql`job_round + 1` })
    .where('id', '=', batchId)
    .returning('job_round')
    .executeTakeFirstOrThrow();
  await enqueueJobs(db, [runBatch.job({ batchId, round: Number(bumped.job_round) })], now);
}

export async function findBatchByFile(
  db: Kysely<Database>,
  fileSha256: string,
): Promise<BatchRow | undefined> {
  return db
    .selectFrom('batches')
    .selectAll()
    .where('file_sha256', '=', fileSha256)
    .executeTakeFirst();
}

export async function loadBatch(db: Kysely<Database>, id: string): Promise<BatchRow | undefined> {
  return db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NewBatch {
  fileName: string;
  fileSha256: string;
  format: BatchFormat;
  reason: string;
  createdBy: string;
  audit: AuditActor;
  skipInvalid: boolean;
}

/** Records the batch and every row, audits it and enqueues its first run, in one transaction. */
export async function recordBatch(
  trx: Kysely<Database>,
  batch: NewBatch,
  rows: readonly BatchRowInput[],
  now: number,
): Promise<string> {
  const id = newRowId();
  await trx
    .insertInto('batches')
    .values({
      id,
      file_sha256: batch.fileSha256,
      file_name: batch.fileName,
      format: batch.format,
      reason: batch.reason,
      created_by: batch.createdBy,
      audit_actor: JSON.stringify(batch.audit),
      skip_invalid: batch.skipInvalid ? 1 : 0,
      state: 'queued',
      created_at: now,
      started_at: null,
      finished_at: null,
      tracker_issue_number: null,
      tracker_issue_url: null,
      notice_posted_at: null,
    })
    .execute();
  // Each row's body by a digest, not by its text, and the rows' values built a chunk at a time:
  // what a 10,000-row file holds in memory while it is recorded is its rows, not three copies.
  const firstOfBody = new Map<string, number>();
  const valuesOf = (row: BatchRowInput) => {
    let sameAs: number | null = null;
    if ('submission' in row) {
      const body = createHash('sha256').update(canonicalJson(row.submission)).digest('base64');
      const first = firstOfBody.get(body);
      if (first === undefined) firstOfBody.set(body, row.row);
      else sameAs = first;
    }
    return {
      batch_id: id,
      row_number: row.row,
      submission: 'submission' in row ? JSON.stringify(row.submission) : null,
      customer_email: row.customerEmail.slice(0, 254),
      user_count: fitsIntegerColumn(row.userCount) ? row.userCount : 0,
      errors: 'errors' in row ? JSON.stringify(row.errors) : null,
      request_id: null,
      same_as_row: sameAs,
    };
  };
  for (let start = 0; start < rows.length; start += 200) {
    await trx
      .insertInto('batch_rows')
      .values(rows.slice(start, start + 200).map(valuesOf))
      .execute();
  }
  await enqueueBatchRun(trx, id, now);
  await appendAudit(
    trx,
    batch.audit,
    {
      action: 'batch.created',
      target: `batch ${id}`,
      details: {
        fileName: batch.fileName,
        fileSha256: batch.fileSha256,
        rows: rows.length,
        invalid: rows.filter((row) => 'errors' in row).length,
        skipInvalid: batch.skipInvalid,
        reason: batch.reason,
      },
    },
    now,
  );
  return id;
}

/** The batch is not in a state the change applies to (409): stopped twice, resumed running. */
export class BatchStateConflict extends Refusal {
  override readonly name = 'BatchStateConflict';
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/**
 * Stops a queued or running batch: its next chunk is not submitted. Rows already submitted are
 * ordinary requests and go on to their end.
 */
export async function recordBatchStop(
  db: Kysely<Database>,
  id: string,
  audit: AuditActor,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('batches')
      .set({ state: 'stopped' })
      .where('id', '=', id)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0)
      throw new BatchStateConflict(
        'This batch is not queued or running: only a batch on its way can be stopped.',
      );
    await appendAudit(trx, audit, { action: 'batch.stopped', target: `batch ${id}` }, now);
  });
}

/** Resumes a stopped batch where it stopped: the rows without a request yet. */
export async function recordBatchResume(
  db: Kysely<Database>,
  id: string,
  audit: AuditActor,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('batches')
      .set({ state: 'running' })
      .where('id', '=', id)
      .where('state', '=', 'stopped')
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0)
      throw new BatchStateConflict('This batch is not stopped: only a stopped batch resumes.');
    await enqueueBatchRun(trx, id, now);
    await appendAudit(trx, audit, { action: 'batch.resumed', target: `batch ${id}` }, now);
  });
}

export async function batchCounts(db: Kysely<Database>, id: string): Promise<BatchCounts> {
  const groups = await db
    .selectFrom('batch_rows as br')
    .leftJoin('requests as r', 'r.id', 'br.request_id')
    .select([
      sql<number>`case when br.errors is null then 0 else 1 end`.as('invalid'),
      'r.state',
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('br.batch_id', '=', id)
    .groupBy([sql`case when br.errors is null then 0 else 1 end`, 'r.state'])
    .execute();
  const counts: BatchCounts = {
    rows: 0,
    pending: 0,
    issued: 0,
    awaitingApproval: 0,
    refused: 0,
    failed: 0,
    invalid: 0,
  };
  const field: Record<RowOutcome, keyof BatchCounts> = {
    pending: 'pending',
    issued: 'issued',
    awaiting_approval: 'awaitingApproval',
    refused: 'refused',
    failed: 'failed',
    invalid: 'invalid',
  };
  for (const group of groups) {
    const n = Number(group.n);
    counts.rows += n;
    counts[field[rowOutcome(Number(group.invalid) === 1, group.state)]] += n;
  }
  return counts;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export async function batchView(
  db: Kysely<Database>,
  batch: BatchRow,
  now: number,
): Promise<BatchView> {
  const counts = await batchCounts(db, batch.id);
  const started = batch.started_at === null ? null : Number(batch.started_at);
  const until = batch.finished_at === null ? now : Number(batch.finished_at);
  const done = counts.issued + counts.awaitingApproval + counts.refused + counts.failed;
  const seconds = started === null ? 0 : Math.max(until - started, 1) / 1000;
  return {
    id: batch.id,
    state: batch.state as BatchState,
    fileName: batch.file_name,
    fileSha256: batch.file_sha256,
    reason: batch.reason,
    createdBy: batch.created_by,
    createdAt: iso(Number(batch.created_at)) ?? '',
    finishedAt: iso(batch.finished_at),
    counts,
    rowsPerSecond: seconds === 0 ? 0 : Math.round((done / seconds) * 10) / 10,
    ...(batch.tracker_issue_number !== null && {
      trackerIssue: {
        number: Number(batch.tracker_issue_number),
        ...(batch.tracker_issue_url && { url: batch.tracker_issue_url }),
      },
    }),
    links: {
      rows: `/api/v1/batches/${batch.id}/rows`,
      report: `/api/v1/batches/${batch.id}/report.csv`,
    },
  };
}

/** Batches, newest first. */
export async function listBatches(
  db: Kysely<Database>,
  limit: number,
  now: number,
): Promise<BatchView[]> {
  const batches = await db
    .selectFrom('batches')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const views: BatchView[] = [];
  for (const batch of batches) views.push(await batchView(db, batch, now));
  return views;
}

/** A page of a batch's rows in row order, after `cursor` (a row number), by outcome. */
export async function batchRows(
  db: Kysely<Database>,
  id: string,
  options: { outcome?: RowOutcome; after?: number; limit: number },
): Promise<{ rows: BatchRowView[]; nextCursor: string | null }> {
  let query = db
    .selectFrom('batch_rows as br')
    .leftJoin('requests as r', 'r.id', 'br.request_id')
    .leftJoin('licenses as l', (join) =>
      join.onRef('l.request_id', '=', 'br.request_id').on('l.lineage_index', '=', 0),
    )
    .select([
      'br.row_number',
      'br.errors',
      'br.request_id',
      'br.customer_email',
      'br.user_count',
      'r.state',
      'r.failure_message',
      'l.fingerprint',
    ])
    .where('br.batch_id', '=', id)
    .where('br.row_number', '>', options.after ?? 0);
  const outcome = options.outcome;
  if (outcome === 'invalid') query = query.where('br.errors', 'is not', null);
  else if (outcome === 'pending')
    query = query
      .where('br.errors', 'is', null)
      .where((eb) =>
        eb.or([eb('br.request_id', 'is', null), eb('r.state', 'in', requestStatesOf.pending)]),
      );
  else if (outcome) query = query.where('r.state', 'in', requestStatesOf[outcome]);
  const found = await query
    .orderBy('br.row_number')
    .limit(options.limit + 1)
    .execute();
  const page = found.slice(0, options.limit);
  const summaries = await decisionSummaries(
    db,
    page
      .filter((row) => row.state === 'rejected' || row.state === 'awaiting_approval')
      .map((row) => row.request_id ?? ''),
  );
  const rows = page.map((row): BatchRowView => {
    const rowState = rowOutcome(row.errors !== null, row.state ?? null);
    const message =
      row.errors !== null
        ? (JSON.parse(row.errors) as { column: string; message: string }[])
            .map(rowErrorSentence)
            .join('; ')
        : rowState === 'failed'
          ? (row.failure_message ?? undefined)
          : row.request_id
            ? summaries.get(row.request_id)
            : undefined;
    return {
      row: Number(row.row_number),
      outcome: rowState,
      ...(row.request_id && { requestId: row.request_id }),
      customerEmail: row.customer_email,
      userCount: Number(row.user_count),
      ...(row.fingerprint && { licenseFingerprint: row.fingerprint }),
      ...(message && { message }),
    };
  });
  const last = page.at(-1);
  return {
    rows,
    nextCursor: found.length > options.limit && last !== undefined ? String(last.row_number) : null,
  };
}

/** A row error's sentence, naming its column once: most sentences already start with it. */
export function rowErrorSentence(error: { column: string; message: string }): string {
  if (!error.column || error.message.includes(error.column)) return error.message;
  return `${error.column}: ${error.message}`;
}

async function decisionSummaries(
  db: Kysely<Database>,
  requestIds: string[],
): Promise<Map<string, string>> {
  const summaries = new Map<string, string>();
  if (requestIds.length === 0) return summaries;
  const decisions = await db
    .selectFrom('decisions')
    .select(['request_id', 'document'])
    .where('request_id', 'in', requestIds)
    .execute();
  for (const decision of decisions) {
    const document = JSON.parse(decision.document) as { summary?: string };
    if (document.summary) summaries.set(decision.request_id, document.summary);
  }
  return summaries;
}
