import type {
  BatchCounts,
  BatchFormat,
  BatchRowOutcome,
  BatchState,
  DryRunOutcome,
  DryRunRow,
} from '../shared/api-types.js';

/** How batch words read to a person; the tone picks the badge colour, the word says it. */
type Label = { label: string; tone: 'ok' | 'bad' | 'busy' | 'muted' };

export const dryRunOutcomeLabels: Record<DryRunOutcome, Label> = {
  eligible: { label: 'Eligible', tone: 'ok' },
  needs_approval: { label: 'Needs approval', tone: 'busy' },
  refused: { label: 'Refused', tone: 'bad' },
  invalid: { label: 'Invalid', tone: 'bad' },
};

export const rowOutcomeLabels: Record<BatchRowOutcome, Label> = {
  pending: { label: 'Pending', tone: 'muted' },
  issued: { label: 'Issued', tone: 'ok' },
  awaiting_approval: { label: 'Awaiting approval', tone: 'busy' },
  refused: { label: 'Refused', tone: 'bad' },
  failed: { label: 'Failed', tone: 'bad' },
  invalid: { label: 'Invalid', tone: 'bad' },
};

export const batchStateLabels: Record<BatchState, Label> = {
  queued: { label: 'Queued', tone: 'busy' },
  running: { label: 'Running', tone: 'busy' },
  stopped: { label: 'Stopped', tone: 'muted' },
  finished: { label: 'Finished', tone: 'ok' },
};

export function isRowOutcome(value: string | null): value is BatchRowOutcome {
  return value !== null && Object.hasOwn(rowOutcomeLabels, value);
}

/** A batch still moving: its page keeps reading it until it stops or finishes. */
export function isMoving(state: BatchState): boolean {
  return state === 'queued' || state === 'running';
}

/** Running, stopping and resuming a batch is the approvers'; an engineer may dry-run one. */
export function maySteerBatches(role: string): boolean {
  return role === 'approver';
}

/**
 * Rows done and the share of the batch they are. 100 % only when every row is done, so a bar
 * that reads full means nothing is left, however the rounding falls.
 */
export function progressOf(counts: BatchCounts): { done: number; percent: number } {
  const done = Math.max(0, counts.rows - counts.pending);
  if (counts.rows === 0) return { done, percent: 100 };
  const percent = done >= counts.rows ? 100 : Math.min(99, Math.floor((done * 100) / counts.rows));
  return { done, percent };
}

export function rowsPerSecondText(rate: number | null | undefined): string {
  // No rate yet (or none measured, as for a batch that ran in one go): a dash, not "0 rows/s".
  if (rate === null || rate === undefined || !Number.isFinite(rate) || rate <= 0) return '—';
  return `${rate >= 10 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1)} rows/s`;
}

/**
 * The file's format from its name, else from its first character: JSON lines open with `{`,
 * a CSV with its header row.
 */
export function formatOf(fileName: string, content: string): BatchFormat {
  const name = fileName.toLowerCase();
  if (/\.(jsonl|ndjson|json)$/.test(name)) return 'jsonl';
  if (name.endsWith('.csv')) return 'csv';
  return content.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

/**
 * What a dry run was of: issuing is offered only for exactly what was checked, so an edit
 * after the dry run asks for a new one.
 */
export function dryRunKey(input: { format: BatchFormat; content: string }): string {
  return `${input.format}\n${input.content}`;
}

/** The sentence beside a row in the dry run: what does not parse, or what the policy said. */
export function dryRunSentence(row: DryRunRow): string {
  if (row.errors && row.errors.length > 0)
    return row.errors
      .map((error) => {
        // The service's sentences mostly name their column already; the rest get it in front.
        const text =
          error.column && !error.message.includes(error.column)
            ? `${error.column}: ${error.message}`
            : error.message;
        return /[.!?]$/.test(text) ? text : `${text}.`;
      })
      .join(' ');
  const decision = row.decision;
  if (!decision) return '';
  if (row.outcome === 'needs_approval' && decision.guardrails.length > 0)
    return decision.guardrails.map((held) => held.message).join(' ');
  return decision.summary;
}

export function issueLabel(count: number): string {
  return count === 1 ? 'Issue 1 license' : `Issue ${count.toLocaleString('en-US')} licenses`;
}
