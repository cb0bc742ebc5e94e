import type { Kysely } from 'kysely';
import type { GuardrailOutcome } from '../policy/index.js';
import type { ApprovalRow, Database } from '../store/schema.js';

/** The person behind a requester: "alice via zendesk-bot" is alice. */
export function personOf(requestedBy: string): string {
  const via = requestedBy.lastIndexOf(' via ');
  return via > 0 ? requestedBy.slice(0, via) : requestedBy;
}

/**
 * Who a name is, for comparing: the person behind it, in compatibility form (NFKC), trimmed and
 * in lower case. "Dave", " dave" and "DAVE via zendesk-bot" are one person.
 */
export function personKey(name: string): string {
  return personOf(name.normalize('NFKC').trim()).trim().toLowerCase();
}

/** Whether `approver` is the person who asked: they may not approve their own request. */
export function isRequester(requestedBy: string, approver: string): boolean {
  const who = approver.normalize('NFKC').trim().toLowerCase();
  return (
    who === requestedBy.normalize('NFKC').trim().toLowerCase() || who === personKey(requestedBy)
  );
}

/** Who may settle a waiting request, in words for the console, the sidebar and the notice. */
export function whoMayApprove(requestedBy: string): string {
  return `an approver other than ${personOf(requestedBy)}`;
}

export function approvalReasons(row: Pick<ApprovalRow, 'reasons'>): GuardrailOutcome[] {
  return JSON.parse(row.reasons) as GuardrailOutcome[];
}

export function loadApproval(
  db: Kysely<Database>,
  requestId: string,
): Promise<ApprovalRow | undefined> {
  return db
    .selectFrom('approvals')
    .selectAll()
    .where('request_id', '=', requestId)
    .executeTakeFirst();
}

/** How an approval reads in answers: why it waits, until when, who may settle it, the verdict. */
export function approvalView(row: ApprovalRow) {
  return {
    reasons: approvalReasons(row),
    whoMayApprove: whoMayApprove(row.requested_by),
    expiresAt: new Date(Number(row.expires_at)).toISOString(),
    verdict: row.verdict as 'approved' | 'declined' | 'expired' | null,
    decidedBy: row.decided_by,
    reason: row.reason,
    decidedAt: row.decided_at === null ? null : new Date(Number(row.decided_at)).toISOString(),
  };
}

export type ApprovalView = ReturnType<typeof approvalView>;
