import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import { ApiFailure, type LifelineApi } from '../shared/api.js';
import type { BatchFormat, BatchInput, DryRunReport } from '../shared/api-types.js';
import { users } from '../shared/format.js';
import { BatchBadge } from './batch-badge.js';
import {
  dryRunKey,
  dryRunOutcomeLabels,
  dryRunSentence,
  formatOf,
  issueLabel,
  maySteerBatches,
} from './batch-format.js';
import { PageTitle } from './page-title.js';
import { links } from './router.js';

interface Failure {
  text: string;
  details: { field: string; message: string }[];
}

function failureOf(error: unknown): Failure {
  if (error instanceof ApiFailure) return { text: error.message, details: error.details };
  return { text: error instanceof Error ? error.message : String(error), details: [] };
}

/**
 * A new batch: a file picked or pasted, a dry run that decides every row and records nothing,
 * and only then, for an approver, the button that issues exactly what the dry run checked.
 */
export function NewBatchPage({ api, role }: { api: LifelineApi; role: string }) {
  const [content, setContent] = useState('');
  const [fileName, setFileName] = useState('');
  const [format, setFormat] = useState<BatchFormat>('csv');
  const [reason, setReason] = useState('');
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [report, setReport] = useState<{ key: string; answer: DryRunReport }>();
  const [failure, setFailure] = useState<Failure>();
  const [busy, setBusy] = useState<'dry-run' | 'issue'>();
  const mayIssue = maySteerBatches(role);

  const input = (): BatchInput => ({
    format,
    content,
    fileName: fileName || (format === 'jsonl' ? 'pasted.jsonl' : 'pasted.csv'),
    // A dry run needs none; running refuses a reason shorter than a few characters.
    ...(reason.trim() && { reason: reason.trim() }),
    skipInvalid,
  });
  const key = dryRunKey({ format, content });
  const checked = report?.key === key ? report.answer : undefined;

  async function pick(event: TargetedEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    if (!file) return;
    const text = await file.text();
    setFileName(file.name);
    setContent(text);
    setFormat(formatOf(file.name, text));
  }

  async function dryRun(event: TargetedEvent<HTMLFormElement>) {
    event.preventDefault();
    if (content.trim() === '') {
      setFailure({ text: 'Choose a file or paste its rows first.', details: [] });
      return;
    }
    setBusy('dry-run');
    setFailure(undefined);
    try {
      const answer = await api.dryRunBatch(input());
      setReport({ key, answer });
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setBusy(undefined);
    }
  }

  async function issue() {
    setBusy('issue');
    setFailure(undefined);
    try {
      const batch = await api.startBatch(input());
      location.hash = links.batch(batch.id);
    } catch (error) {
      setFailure(failureOf(error));
      setBusy(undefined);
    }
  }

  // Why the issue button waits, in the order a person would fix it.
  const blocked = !checked
    ? report
      ? 'The file changed since the dry run: run it again.'
      : 'Run a dry run first: issuing is offered for exactly what it checked.'
    : checked.summary.eligible + checked.summary.needsApproval === 0
      ? 'No row can be issued.'
      : checked.summary.invalid > 0 && !skipInvalid
        ? `${checked.summary.invalid === 1 ? '1 row does' : `${checked.summary.invalid} rows do`} not parse: fix the file, or skip the rows that do not parse.`
        : reason.trim().length < 3
          ? 'Give a reason, in a sentence: it is recorded with the batch.'
          : undefined;

  return (
    <>
      <p class="breadcrumb">
        <a href={links.batches()}>Batches</a> › new
      </p>
      <PageTitle>New batch</PageTitle>
      <form class="request-form batch-form" onSubmit={(event) => void dryRun(event)}>
        <div class="field">
          <label for="batch-file">Choose a file (CSV or JSON lines)</label>
          <p class="hint" id="batch-file-hint">
            CSV with a header row: ticket_id, ticket_url, customer_email, user_count, plan,
            expired_on, licensed_users, maximum_users, billable_users, license_file, note. Here
            license_file holds the license text itself (paths next to the file work with the CLI).
          </p>
          <input
            id="batch-file"
            type="file"
            accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson"
            aria-describedby="batch-file-hint"
            onChange={(event) => void pick(event)}
          />
        </div>
        <div class="field">
          <label for="batch-content">Or paste the rows</label>
          <textarea
            id="batch-content"
            rows={8}
            class="mono"
            spellcheck={false}
            value={content}
            onInput={(event) => {
              const text = event.currentTarget.value;
              setContent(text);
              if (!fileName) setFormat(formatOf('', text));
            }}
          />
        </div>
        <div class="field-row">
          <div class="field">
            <label for="batch-format">Format</label>
            <select
              id="batch-format"
              value={format}
              onChange={(event) => setFormat(event.currentTarget.value as BatchFormat)}
            >
              <option value="csv">CSV</option>
              <option value="jsonl">JSON lines</option>
            </select>
          </div>
          <div class="field">
            <label for="batch-reason">Reason (recorded with the batch)</label>
            <input
              id="batch-reason"
              value={reason}
              placeholder="e.g. billing migration outage, 2026-11-28"
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </div>
        </div>
        <label class="choice">
          <input
            type="checkbox"
            checked={skipInvalid}
            onChange={(event) => setSkipInvalid(event.currentTarget.checked)}
          />
          <span>Skip the rows that do not parse and issue the rest</span>
        </label>
        {failure && (
          <div class="error-summary" role="alert">
            <p>{failure.text}</p>
            {failure.details.length > 0 && (
              <ul>
                {failure.details.map((detail) => (
                  <li key={detail.field + detail.message}>
                    {detail.field}: {detail.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div class="actions batch-actions">
          <button type="submit" class={mayIssue && checked ? '' : 'primary'} disabled={!!busy}>
            {busy === 'dry-run' ? 'Checking…' : 'Dry run'}
          </button>
          {mayIssue && (
            <button
              type="button"
              class="primary"
              disabled={!!busy || blocked !== undefined}
              {...(blocked && { 'aria-describedby': 'batch-issue-hint' })}
              onClick={() => void issue()}
            >
              {busy === 'issue'
                ? 'Starting…'
                : checked
                  ? issueLabel(checked.summary.eligible)
                  : 'Issue licenses'}
            </button>
          )}
        </div>
        {mayIssue ? (
          blocked && (
            <p class="hint" id="batch-issue-hint">
              {blocked}
            </p>
          )
        ) : (
          <p class="hint">
            A dry run records nothing. Only an approver can issue a batch: send them the file.
          </p>
        )}
      </form>
      {report && <DryRunResult report={report.answer} stale={!checked} />}
    </>
  );
}

/** A 10,000-row file renders its first rows at once, the rest on asking. */
const firstRows = 500;

function DryRunResult({ report, stale }: { report: DryRunReport; stale: boolean }) {
  const { summary } = report;
  const [all, setAll] = useState(false);
  const shown = all ? report.rows : report.rows.slice(0, firstRows);
  return (
    <section aria-labelledby="dry-run-heading" data-testid="dry-run">
      <h2 id="dry-run-heading">Dry run</h2>
      {stale && (
        <p class="notice notice-bad" role="status">
          This report is of the file as it was: run the dry run again.
        </p>
      )}
      <p data-testid="dry-run-summary">
        {summary.rows} {summary.rows === 1 ? 'row' : 'rows'}: {summary.eligible} eligible,{' '}
        {summary.needsApproval} {summary.needsApproval === 1 ? 'needs' : 'need'} approval,{' '}
        {summary.refused} refused, {summary.invalid} invalid. Nothing was recorded.
      </p>
      {report.findings.length > 0 && (
        <>
          <h3>About the batch as a whole</h3>
          <ul class="findings" aria-label="Findings">
            {report.findings.map((finding) => (
              <li key={`${finding.kind}:${finding.rows.join(',')}`}>
                {finding.message} <span class="muted">(rows {finding.rows.join(', ')})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="table-wrap">
        <table class="batch-rows stack" aria-label="Rows of the dry run">
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Customer</th>
              <th scope="col">Users</th>
              <th scope="col">Outcome</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.row} data-row={row.row} data-outcome={row.outcome}>
                <td data-label="Row">{row.row}</td>
                <td data-label="Customer" class="wrap">
                  {row.customerEmail || <span class="muted">—</span>}
                </td>
                <td data-label="Users">{row.userCount ? users(row.userCount) : '—'}</td>
                <td data-label="Outcome">
                  <BatchBadge label={dryRunOutcomeLabels[row.outcome]} />
                </td>
                <td data-label="Why" class="wrap">
                  {dryRunSentence(row)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length < report.rows.length && (
        <button type="button" onClick={() => setAll(true)}>
          Show all {report.rows.length.toLocaleString('en-US')} rows
        </button>
      )}
    </section>
  );
}
