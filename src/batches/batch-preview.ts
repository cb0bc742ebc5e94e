import type { Kysely } from 'kysely';
import { customerKeys, readEvidence, type PolicySettings } from '../policy/index.js';
import { decisionView, type DecisionView } from '../requests/decision-view.js';
import { previewDecision, type PreviewContext } from '../requests/preview-decision.js';
import type { Database } from '../store/schema.js';
import type { BatchRowInput, RowError } from './batch-file.js';
import { batchFindings, type BatchFinding, type FindingRow } from './batch-findings.js';

export interface DryRunRow {
  row: number;
  outcome: 'eligible' | 'needs_approval' | 'refused' | 'invalid';
  decision?: DecisionView;
  errors?: RowError[];
  /** Why the row will wait for an approver although on its own it would not: an earlier row. */
  heldBecause?: string;
  customerEmail: string;
  userCount: number;
}

export interface DryRunAnswer {
  dryRun: true;
  rows: DryRunRow[];
  summary: {
    rows: number;
    eligible: number;
    needsApproval: number;
    refused: number;
    invalid: number;
  };
  findings: BatchFinding[];
}

/**
 * Every row through the policy and guardrails a single request meets, recording nothing; the
 * batch's volume counts as approved, as it will be when an approver runs it.
 */
export async function dryRunBatch(
  db: Kysely<Database>,
  ctx: PreviewContext & { policy: PolicySettings },
  rows: readonly BatchRowInput[],
  requester: string,
): Promise<DryRunAnswer> {
  const answered: DryRunRow[] = [];
  const forFindings: FindingRow[] = [];
  for (const row of rows) {
    if ('errors' in row) {
      answered.push({
        row: row.row,
        outcome: 'invalid',
        errors: row.errors,
        customerEmail: row.customerEmail,
        userCount: row.userCount,
      });
      continue;
    }
    const decision = await previewDecision(db, ctx, row.submission, requester, {
      volumeApproved: true,
    });
    answered.push({
      row: row.row,
      outcome: !decision.eligible
        ? 'refused'
        : decision.needsApproval
          ? 'needs_approval'
          : 'eligible',
      decision: decisionView(decision),
      customerEmail: row.customerEmail,
      userCount: row.userCount,
    });
    const reading = readEvidence(row.submission.evidence, ctx.evidenceKeys);
    forFindings.push({
      row: row.row,
      submission: row.submission,
      keys: customerKeys(
        row.submission.customerEmail,
        reading.ok ? reading.facts : undefined,
        ctx.policy,
      ),
    });
  }
  const findings = batchFindings(forFindings);
  holdLaterRowsOfOneCustomer(answered, findings);
  const count = (outcome: DryRunRow['outcome']) =>
    answered.filter((row) => row.outcome === outcome).length;
  return {
    dryRun: true,
    rows: answered,
    summary: {
      rows: answered.length,
      eligible: count('eligible'),
      needsApproval: count('needs_approval'),
      refused: count('refused'),
      invalid: count('invalid'),
    },
    findings,
  };
}

/**
 * Each row was decided on its own, but the batch makes its rows in order: a row for a customer
 * an earlier row of the batch already asked for meets the repeat rule and waits for an approver.
 * The summary counts it so, as the run will (it said 3 eligible where the run issued 2).
 * Rows the policy refuses make no request, so they hold no later row.
 */
function holdLaterRowsOfOneCustomer(rows: DryRunRow[], findings: readonly BatchFinding[]): void {
  const byNumber = new Map(rows.map((row) => [row.row, row]));
  for (const finding of findings) {
    if (finding.kind !== 'same_customer') continue;
    let asked = false;
    for (const number of finding.rows) {
      const row = byNumber.get(number);
      if (!row) continue;
      if (asked && row.outcome === 'eligible') {
        row.outcome = 'needs_approval';
        row.heldBecause = finding.message;
      }
      if (row.outcome === 'eligible' || row.outcome === 'needs_approval') asked = true;
    }
  }
}
