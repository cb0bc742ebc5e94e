/**
 * A batch's vocabulary.
 * - batch: a file of rows an approver runs in one go (bulk outage mode); the same file, by its
 *   SHA-256, is the same batch, so running it again resumes it and makes nothing twice.
 * - row: one line of the file; valid, it becomes an ordinary request (origin `batch`, keyed
 *   `batch:BATCH:ROW`), invalid, it names its row and column and is never issued.
 * - outcome: what became of a row, read from its request.
 */
export type BatchState = 'queued' | 'running' | 'stopped' | 'finished';

export const rowOutcomes = [
  'pending',
  'issued',
  'awaiting_approval',
  'refused',
  'failed',
  'invalid',
] as const;
export type RowOutcome = (typeof rowOutcomes)[number];

/** A row's outcome from its request's state (none yet: pending). */
export function rowOutcome(invalid: boolean, requestState: string | null): RowOutcome {
  if (invalid) return 'invalid';
  switch (requestState) {
    case 'succeeded':
      return 'issued';
    case 'failed':
      return 'failed';
    case 'rejected':
      return 'refused';
    case 'awaiting_approval':
      return 'awaiting_approval';
    default:
      return 'pending';
  }
}

/** The request states each outcome stands for (pending: also a row with no request yet). */
export const requestStatesOf: Record<Exclude<RowOutcome, 'invalid'>, string[]> = {
  pending: ['queued', 'issuing'],
  issued: ['succeeded'],
  awaiting_approval: ['awaiting_approval'],
  refused: ['rejected'],
  failed: ['failed'],
};

export interface BatchCounts {
  rows: number;
  pending: number;
  issued: number;
  awaitingApproval: number;
  refused: number;
  failed: number;
  invalid: number;
}

export interface BatchView {
  id: string;
  state: BatchState;
  fileName: string;
  fileSha256: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  counts: BatchCounts;
  rowsPerSecond: number;
  trackerIssue?: { number: number; url?: string };
  links: { rows: string; report: string };
}

export interface BatchRowView {
  row: number;
  outcome: RowOutcome;
  requestId?: string;
  customerEmail: string;
  userCount: number;
  licenseFingerprint?: string;
  message?: string;
}
