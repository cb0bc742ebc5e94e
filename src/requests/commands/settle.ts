import type { AuditActor } from '../../audit/audit-entry.js';
import { settleApproval, type Verdict } from '../approve-request.js';
import type { SubmitContext } from '../submit-request.js';

export type SettleContext = Pick<SubmitContext, 'store' | 'clock' | 'wake' | 'approval'>;

/** An approver's verdict on a held request; the worker is woken for what the verdict starts. */
export async function settle(
  ctx: SettleContext,
  ask: { requestId: string; verdict: Verdict; reason: string },
  caller: { name: string },
  audit: AuditActor,
): Promise<{ id: string; state: 'queued' | 'rejected'; verdict: Verdict }> {
  const result = await settleApproval(
    ctx.store.db,
    ctx.approval,
    { requestId: ask.requestId, verdict: ask.verdict, approver: caller.name, reason: ask.reason },
    ctx.clock.now(),
    audit,
  );
  ctx.wake.notify();
  return result;
}
