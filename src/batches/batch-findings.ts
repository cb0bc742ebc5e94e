import type { CustomerKeys } from '../policy/index.js';
import { canonicalJson } from '../requests/fingerprint.js';
import type { Submission } from '../requests/submission.js';

/** What the dry run says about the batch as a whole, beside each row's decision. */
export interface BatchFinding {
  kind: 'duplicate_row' | 'same_customer';
  rows: number[];
  message: string;
}

export interface FindingRow {
  row: number;
  submission: Submission;
  keys: CustomerKeys;
}

/**
 * Rows that repeat another row exactly, and rows for one customer by the repeat rule's keys
 * (registrable domain, mailbox, licensee company, subscription id). Pure.
 */
export function batchFindings(rows: readonly FindingRow[]): BatchFinding[] {
  const findings: BatchFinding[] = [];
  const byBody = groupBy(rows, (row) => [canonicalJson(row.submission)]);
  const duplicated = new Set<number>();
  for (const group of byBody) {
    group.slice(1).forEach((row) => duplicated.add(row));
    findings.push({
      kind: 'duplicate_row',
      rows: group,
      message: `Rows ${list(group)} are the same request: only the first is issued, the others answer with its request.`,
    });
  }
  const distinct = rows.filter((row) => !duplicated.has(row.row));
  for (const group of groupBy(distinct, customerKeyNames)) {
    findings.push({
      kind: 'same_customer',
      rows: group,
      message: `Rows ${list(group)} are for the same customer (by the repeat rule): after the first, each waits for an approver.`,
    });
  }
  return findings;
}

function customerKeyNames(row: FindingRow): string[] {
  const { keys } = row;
  return [
    `email:${keys.email}`,
    ...(keys.mailbox ? [`mailbox:${keys.mailbox}`] : []),
    ...(keys.emailDomain ? [`domain:${keys.emailDomain}`] : []),
    ...(keys.company ? [`company:${keys.company}`] : []),
    ...(keys.subscriptionId ? [`subscription:${keys.subscriptionId}`] : []),
  ];
}

/** Rows joined when they share any name (union-find), as groups of two or more, in row order. */
function groupBy(rows: readonly FindingRow[], names: (row: FindingRow) => string[]): number[][] {
  const parent = new Map<number, number>();
  const find = (row: number): number => {
    let root = row;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(row, root);
    return root;
  };
  const owner = new Map<string, number>();
  for (const row of rows) {
    parent.set(row.row, row.row);
    for (const name of names(row)) {
      const first = owner.get(name);
      if (first === undefined) owner.set(name, row.row);
      else parent.set(find(row.row), find(first));
    }
  }
  const groups = new Map<number, number[]>();
  for (const row of rows) {
    const root = find(row.row);
    const group = groups.get(root);
    if (group) group.push(row.row);
    else groups.set(root, [row.row]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

function list(rows: number[]): string {
  const shown = rows.slice(0, 10).join(', ');
  return rows.length > 10 ? `${shown} and ${rows.length - 10} more` : shown;
}
