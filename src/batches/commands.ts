import { createHash } from 'node:crypto';
import type { AuditActor } from '../audit/audit-entry.js';
import type { Clock } from '../clock.js';
import type { WakeSignal } from '../jobs/wake-signal.js';
import type { PolicySettings } from '../policy/index.js';
import { Refusal, type RefusalDetail } from '../refusal.js';
import type { PreviewContext } from '../requests/preview-decision.js';
import type { Store } from '../store/database.js';
import type { BatchView, RowOutcome } from './batch.js';
import { parseBatchFile, type BatchFormat, type ParsedBatch, type RowError } from './batch-file.js';
import { dryRunBatch, type DryRunAnswer } from './batch-preview.js';
import {
  batchRows,
  batchView,
  BatchStateConflict,
  findBatchByFile,
  listBatches,
  loadBatch,
  recordBatch,
  recordBatchResume,
  recordBatchStop,
} from './batch-records.js';

/**
 * What bulk outage mode does, for any caller (the API's routes): each command checks, records
 * and answers, and refuses with a Refusal the boundary answers with its code.
 */
export interface BatchCommandContext {
  store: Store;
  clock: Clock;
  /** What a dry run decides each row with: the policy, the evidence keys, the ticket desk. */
  preview: PreviewContext & { policy: PolicySettings };
  /** A batch recorded or resumed has a run_batch job due now. */
  wake: WakeSignal;
}

/** Who runs a command: the name a batch records, and the audit log's actor. */
export interface BatchCaller {
  name: string;
  audit: AuditActor;
}

export interface BatchFileInput {
  format: BatchFormat;
  content: string;
}

export interface NewBatchInput extends BatchFileInput {
  fileName: string;
  reason?: string | undefined;
  skipInvalid: boolean;
}

export class BatchNotFound extends Refusal {
  override readonly name = 'BatchNotFound';
  constructor(readonly batchId: string) {
    super('NOT_FOUND', `No batch ${batchId}.`);
  }
}

/** The file as a whole cannot be read (a missing column, a quote never closed). */
export class BatchFileUnreadable extends Refusal {
  override readonly name = 'BatchFileUnreadable';
  constructor(details: RefusalDetail[]) {
    super(
      'VALIDATION_FAILED',
      `The batch file cannot be read: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`,
      details,
    );
  }
}

export class BatchNeedsReason extends Refusal {
  override readonly name = 'BatchNeedsReason';
  constructor() {
    super(
      'VALIDATION_FAILED',
      'A batch runs with a reason: say in a sentence why these customers get a license.',
      [{ field: 'body.reason', message: 'required to run a batch' }],
    );
  }
}

export class BatchHasInvalidRows extends Refusal {
  override readonly name = 'BatchHasInvalidRows';
  constructor(invalidRows: number, rows: number, errors: readonly RowError[]) {
    super(
      'BATCH_HAS_INVALID_ROWS',
      `${invalidRows} of ${rows} rows are invalid (nothing was run): fix them, or issue the others with skipInvalid (lifeline batch issue --skip-invalid; in the console, "Skip the rows that do not parse").`,
      errors.slice(0, 200).map(detailOf),
    );
  }
}

/** The place of a row error, in a refusal's `{field, message}` details. */
function detailOf(error: RowError): RefusalDetail {
  return {
    field: error.column ? `row ${error.row}, column ${error.column}` : `row ${error.row}`,
    message: error.message,
  };
}

function readableFile(file: BatchFileInput): ParsedBatch {
  const parsed = parseBatchFile(file.format, file.content);
  if (parsed.fileErrors.length > 0) throw new BatchFileUnreadable(parsed.fileErrors.map(detailOf));
  return parsed;
}

/** A dry run: each row's decision and the batch's findings, nothing recorded. */
export async function checkBatch(
  ctx: BatchCommandContext,
  file: BatchFileInput,
  caller: Pick<BatchCaller, 'name'>,
): Promise<DryRunAnswer> {
  const parsed = readableFile(file);
  return dryRunBatch(ctx.store.db, ctx.preview, parsed.rows, caller.name);
}

/**
 * Runs a batch file: recorded with its rows and first job, in one transaction. The same file
 * again is the same batch: a stopped one resumes, any other is answered as it is.
 */
export async function startBatch(
  ctx: BatchCommandContext,
  input: NewBatchInput,
  caller: BatchCaller,
): Promise<BatchView> {
  const parsed = readableFile(input);
  if (input.reason === undefined) throw new BatchNeedsReason();
  const fileSha256 = createHash('sha256').update(input.content).digest('hex');
  const known = await findBatchByFile(ctx.store.db, fileSha256);
  if (known) return againFile(ctx, known.id, caller);

  const invalid = parsed.rows.flatMap((row) => ('errors' in row ? row.errors : []));
  if (invalid.length > 0 && !input.skipInvalid)
    throw new BatchHasInvalidRows(
      new Set(invalid.map((error) => error.row)).size,
      parsed.rows.length,
      invalid,
    );
  const reason = input.reason;
  let id: string;
  try {
    id = await ctx.store.db.transaction().execute((trx) =>
      recordBatch(
        trx,
        {
          fileName: input.fileName,
          fileSha256,
          format: input.format,
          reason,
          createdBy: caller.name,
          audit: caller.audit,
          skipInvalid: input.skipInvalid,
        },
        parsed.rows,
        ctx.clock.now(),
      ),
    );
  } catch (error) {
    // The same file sent twice at once: the second finds the first's batch.
    const raced = await findBatchByFile(ctx.store.db, fileSha256);
    if (!raced) throw error;
    id = raced.id;
  }
  ctx.wake.notify();
  return readBatch(ctx, id);
}

async function againFile(
  ctx: BatchCommandContext,
  id: string,
  caller: BatchCaller,
): Promise<BatchView> {
  const batch = await loadBatch(ctx.store.db, id);
  if (!batch) throw new BatchNotFound(id);
  if (batch.state === 'stopped') {
    try {
      await recordBatchResume(ctx.store.db, id, caller.audit, ctx.clock.now());
      ctx.wake.notify();
    } catch (error) {
      // Resumed by someone else meanwhile: answered as it now is.
      if (!(error instanceof BatchStateConflict)) throw error;
    }
  }
  return readBatch(ctx, id);
}

/** Stops a queued or running batch; refused (CONFLICT) for one that is not on its way. */
export async function stopBatch(
  ctx: BatchCommandContext,
  id: string,
  caller: Pick<BatchCaller, 'audit'>,
): Promise<BatchView> {
  await readBatch(ctx, id);
  await recordBatchStop(ctx.store.db, id, caller.audit, ctx.clock.now());
  return readBatch(ctx, id);
}

/** Resumes a stopped batch where it stopped; refused (CONFLICT) for any other. */
export async function resumeBatch(
  ctx: BatchCommandContext,
  id: string,
  caller: Pick<BatchCaller, 'audit'>,
): Promise<BatchView> {
  await readBatch(ctx, id);
  await recordBatchResume(ctx.store.db, id, caller.audit, ctx.clock.now());
  ctx.wake.notify();
  return readBatch(ctx, id);
}

/** A batch: its state, counts by outcome, rows per second and links. */
export async function readBatch(ctx: BatchCommandContext, id: string): Promise<BatchView> {
  const batch = await loadBatch(ctx.store.db, id);
  if (!batch) throw new BatchNotFound(id);
  return batchView(ctx.store.db, batch, ctx.clock.now());
}

/** Batches, newest first. */
export function readBatches(ctx: BatchCommandContext, limit: number): Promise<BatchView[]> {
  return listBatches(ctx.store.db, limit, ctx.clock.now());
}

export interface BatchRowsQuery {
  outcome?: RowOutcome | undefined;
  /** The nextCursor of an earlier page: a row number. */
  cursor?: string | undefined;
  limit: number;
}

/** A page of a batch's rows in row order, by outcome. */
export async function readBatchRows(ctx: BatchCommandContext, id: string, query: BatchRowsQuery) {
  const batch = await loadBatch(ctx.store.db, id);
  if (!batch) throw new BatchNotFound(id);
  return batchRows(ctx.store.db, batch.id, {
    limit: query.limit,
    ...(query.outcome && { outcome: query.outcome }),
    ...(query.cursor && { after: Number(query.cursor) }),
  });
}
