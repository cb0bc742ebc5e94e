import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { BatchView } from '../batches/batch.js';
import { isLicenseText, type BatchFormat } from '../batches/batch-file.js';
import type { DryRunAnswer } from '../batches/batch-preview.js';
import { callApi, expectStatus } from './api-client.js';
import { fail, printJson, say } from './output.js';
import { cli } from './io.js';

/** `lifeline batch`: bulk outage mode from a terminal, through the API. */
export function registerBatchCommands(program: Command): void {
  const batch = program
    .command('batch')
    .description('Bulk outage mode: many customers from one file (CSV or JSON lines).');

  batch
    .command('issue <file>')
    .description(
      'check (--dry-run) or run a batch file (CSV with a header row, or JSON lines); the same file again resumes its batch',
    )
    .option('--dry-run', 'each row’s decision and the batch’s findings; nothing is recorded')
    .option('--reason <text>', 'why these customers get a license (required to run)')
    .option('--skip-invalid', 'run the valid rows even when some rows are invalid')
    .option('--json', 'print the answer as JSON')
    .action(
      async (
        file: string,
        options: { dryRun?: boolean; reason?: string; skipInvalid?: boolean; json?: boolean },
      ) => {
        if (!existsSync(file)) fail(`no file ${file}`);
        const format: BatchFormat = /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv';
        const content = withLicenseTexts(format, readFileSync(file, 'utf8'), dirname(file));
        if (!options.dryRun && !options.reason)
          fail('--reason is required to run a batch: say why these customers get a license');
        const body = {
          format,
          content,
          fileName: basename(file),
          ...(options.reason && { reason: options.reason }),
          skipInvalid: options.skipInvalid ?? false,
        };
        if (options.dryRun) {
          const answer = expectStatus(
            await callApi<DryRunAnswer>('POST', '/api/v1/batches?dryRun=true', body),
            200,
          );
          if (options.json) printJson(answer);
          else printDryRun(answer);
          return;
        }
        const answer = await callApi<BatchView & { error?: unknown }>(
          'POST',
          '/api/v1/batches',
          body,
        );
        if (answer.status === 422 || answer.status === 400) {
          const error = (
            answer.body as {
              error?: { message?: string; details?: { field: string; message: string }[] };
            }
          ).error;
          for (const detail of error?.details ?? []) say(`  ${detail.field}: ${detail.message}`);
        }
        const started = expectStatus(answer, 202);
        if (!options.json) say(`Batch ${started.id} (${started.fileName}): ${started.state}.`);
        const finished = await follow(started);
        if (options.json) printJson(finished);
        else printBatch(finished);
        if (finished.counts.failed > 0) cli().exitCode = 1;
      },
    );

  batch
    .command('show <id>')
    .description('a batch: state, counts by outcome, rows per second')
    .option('--json', 'print the batch as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const view = expectStatus(
        await callApi<BatchView>('GET', `/api/v1/batches/${encodeURIComponent(id)}`),
        200,
      );
      if (options.json) printJson(view);
      else printBatch(view);
    });

  batch
    .command('list')
    .description('batches, newest first')
    .option('--json', 'print the batches as JSON')
    .action(async (options: { json?: boolean }) => {
      const list = expectStatus(
        await callApi<{ items: BatchView[] }>('GET', '/api/v1/batches'),
        200,
      );
      if (options.json) {
        printJson(list);
        return;
      }
      if (list.items.length === 0) say('No batches yet.');
      for (const view of list.items)
        cli().stdout.write(
          `${view.id}  ${view.state.padEnd(8)}  ${view.createdAt}  ${view.counts.issued}/${view.counts.rows} issued  ${view.fileName}\n`,
        );
    });
}

/** Whether `target` is a path under `base` (not `base` itself). */
function isWithin(target: string, base: string): boolean {
  const within = relative(base, target);
  return within !== '' && !within.startsWith('..') && !isAbsolute(within);
}

/**
 * A `license_file` cell that names a file is replaced by the file's text, read next to the
 * batch file: the service is sent texts, never paths on this machine.
 */
function withLicenseTexts(format: BatchFormat, content: string, folder: string): string {
  // The folder's real path once per file, not once per row of a 10,000-row batch.
  const realFolder = realpathSync(folder);
  const read = (cell: string): string => {
    if (cell === '' || isLicenseText(cell)) return cell;
    const path = resolve(folder, cell);
    // Only files beside the batch file: a batch file from someone else could otherwise copy any
    // file this user can read (../../.ssh/id_rsa, /etc/…) into the service's database.
    const outside = () =>
      fail(
        `license_file "${cell}" is outside the batch file's folder (${folder}): put the license files next to the batch file, or in a folder under it.`,
      );
    if (!isWithin(path, folder)) outside();
    const file = statSync(path, { throwIfNoEntry: false });
    if (!file) {
      // A short single line is a file name that is missing, not a license's text.
      if (!/[\r\n]/.test(cell.trim()) && cell.length < 256)
        fail(`license_file "${cell}" was not found in the batch file's folder (${folder}).`);
      return cell;
    }
    if (!isWithin(realpathSync(path), realFolder)) outside();
    if (!file.isFile()) fail(`license_file "${cell}" is not a file: name the license file itself.`);
    // A hard link is the same file as one elsewhere, which no path check can see.
    if (file.nlink > 1)
      fail(
        `license_file "${cell}" is also linked from elsewhere (a hard link): copy the license file into the batch file's folder instead.`,
      );
    return readFileSync(path, 'utf8');
  };
  if (format === 'jsonl') {
    return content
      .split(/\r?\n/)
      .map((line) => {
        try {
          const row = JSON.parse(line) as Record<string, unknown>;
          if (typeof row.license_file !== 'string') return line;
          return JSON.stringify({ ...row, license_file: read(row.license_file) });
        } catch {
          return line; // the service names the line that is not JSON
        }
      })
      .join('\n');
  }
  let records: string[][];
  try {
    records = parse(content, { bom: true, relax_column_count: true });
  } catch {
    return content; // the service names the row it cannot read
  }
  const column = (records[0] ?? [])
    .map((name) => name.trim().toLowerCase())
    .indexOf('license_file');
  if (column < 0) return content;
  if (!records.slice(1).some((cells) => cells[column] && !isLicenseText(cells[column] ?? '')))
    return content;
  return stringify(
    records.map((cells, index) =>
      index === 0 ? cells : cells.map((cell, i) => (i === column ? read(cell.trim()) : cell)),
    ),
  );
}

/** Waits for the batch to finish or stop, with a live bar on stderr when it is a terminal. */
async function follow(start: BatchView): Promise<BatchView> {
  const bar = cli().stderr.isTTY
    ? new SingleBar({
        stream: cli().stderr,
        format: 'rows {bar} {value}/{total} done, {failed} failed, {rate} rows/s',
        hideCursor: true,
      })
    : undefined;
  const done = (view: BatchView) => view.counts.rows - view.counts.pending;
  bar?.start(start.counts.rows, done(start), { failed: 0, rate: 0 });
  let view = start;
  while (view.state === 'queued' || view.state === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    view = expectStatus(await callApi<BatchView>('GET', `/api/v1/batches/${view.id}`), 200);
    bar?.update(done(view), { failed: view.counts.failed, rate: view.rowsPerSecond });
  }
  bar?.stop();
  return view;
}

function printDryRun(answer: DryRunAnswer): void {
  const { summary } = answer;
  cli().stdout.write(
    `Dry run, nothing recorded: ${summary.rows} rows — ${summary.eligible} eligible, ${summary.needsApproval} need approval, ${summary.refused} refused, ${summary.invalid} invalid.\n`,
  );
  for (const row of answer.rows) {
    if (row.outcome === 'eligible') continue;
    const why =
      row.errors?.map((e) => (e.column ? `${e.column}: ${e.message}` : e.message)).join('; ') ??
      row.decision?.summary ??
      '';
    cli().stdout.write(`  row ${row.row} ${row.outcome.toUpperCase()}: ${why}\n`);
  }
  for (const finding of answer.findings)
    cli().stdout.write(`  ${finding.kind.toUpperCase()}: ${finding.message}\n`);
}

function printBatch(view: BatchView): void {
  const c = view.counts;
  cli().stdout.write(
    [
      `Batch ${view.id} (${view.fileName}): ${view.state}, by ${view.createdBy} at ${view.createdAt} (UTC)`,
      `  ${c.rows} rows: ${c.issued} issued, ${c.awaitingApproval} awaiting approval, ${c.refused} refused, ${c.failed} failed, ${c.invalid} invalid, ${c.pending} pending; ${view.rowsPerSecond} rows/s`,
      ...(view.finishedAt ? [`  finished at ${view.finishedAt} (UTC)`] : []),
      ...(view.trackerIssue ? [`  tracker issue #${view.trackerIssue.number}`] : []),
      `  rows: ${view.links.rows}?outcome=…  report: ${view.links.report}`,
    ].join('\n') + '\n',
  );
}
