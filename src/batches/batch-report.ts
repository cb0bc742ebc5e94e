import { stringify } from 'csv-stringify/sync';
import { readBatch, readBatchRows, type BatchCommandContext } from './commands.js';

const reportColumns = [
  'row',
  'outcome',
  'request_id',
  'customer_email',
  'user_count',
  'license_fingerprint',
  'message',
];

/** Every row's outcome, request id and license fingerprint, as CSV, with its download name. */
export async function batchReport(
  ctx: BatchCommandContext,
  id: string,
): Promise<{ fileName: string; csv: string }> {
  const batch = await readBatch(ctx, id);
  const lines: string[] = [stringify([reportColumns])];
  let cursor: string | undefined;
  for (;;) {
    const page = await readBatchRows(ctx, batch.id, { limit: 1_000, cursor });
    lines.push(
      stringify(
        page.rows.map((row) => [
          row.row,
          row.outcome,
          row.requestId ?? '',
          row.customerEmail,
          row.userCount,
          row.licenseFingerprint ?? '',
          row.message ?? '',
        ]),
        // A cell a spreadsheet would run as a formula is quoted as text.
        { escape_formulas: true },
      ),
    );
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return { fileName: `batch-${batch.id}.csv`, csv: lines.join('') };
}
