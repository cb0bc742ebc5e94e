import { appendAudit } from '../../audit/audit-store.js';
import type { RequestStepHandler } from '../../jobs/job-handler.js';
import { defineRequestStep } from '../../jobs/step.js';
import { RunLater } from '../../jobs/job-handler.js';
import type { PipelineContext } from '../pipeline-context.js';
import { moveRequest } from '../request-life.js';
import { recordEvent } from '../timeline.js';
import { whoMayApprove } from '../approval-records.js';

/**
 * One job per request (its unique key), run at the deadline by whichever worker claims it, so
 * the expiry happens once across all workers.
 */
export const expireApproval = defineRequestStep({
  kind: 'expire_approval',
  label: 'end the wait for approval',
  maxAttempts: 20,
  concurrency: 1,
  uniqueKey: ({ requestId }: { requestId: string; runAt: number }) =>
    `expire_approval:${requestId}`,
  place: ({ requestId, runAt }) => ({ requestId, runAt }),
  handler: (ctx: PipelineContext) => expireApprovalStep(ctx),
});

const EXPIRY_ACTOR = { actor: 'Lifeline worker', role: 'worker', address: 'local' };

/**
 * Ends a wait nobody settled: at the deadline the request is rejected as expired, and the channel
 * and the ticket are told. The job is one per request and the move is conditional, so however
 * many workers there are, and whatever an approver did a moment before, it happens once.
 */
function expireApprovalStep(ctx: PipelineContext): RequestStepHandler {
  const db = ctx.store.db;
  return {
    async run(job) {
      const now = ctx.clock.now();
      await db.transaction().execute(async (trx) => {
        const approval = await trx
          .selectFrom('approvals')
          .selectAll()
          .where('request_id', '=', job.requestId)
          .executeTakeFirst();
        if (!approval || approval.verdict !== null) return;
        // Claimed early (a clock that moved back): wait for the real deadline.
        if (now < Number(approval.expires_at))
          throw new RunLater(Number(approval.expires_at) - now, 'the approval has not expired yet');
        const moved = await moveRequest(
          trx,
          job.requestId,
          { to: 'rejected', ending: 'expired' },
          { now, destinations: ctx.destinations, tracker: ctx },
        );
        if (moved === undefined) return;
        await trx
          .updateTable('approvals')
          .set({ verdict: 'expired', decided_at: now })
          .where('request_id', '=', job.requestId)
          .where('verdict', 'is', null)
          .execute();
        const hours = Math.round(
          (Number(approval.expires_at) - Number(approval.created_at)) / 3_600_000,
        );
        await recordEvent(
          trx,
          {
            requestId: job.requestId,
            kind: 'request.expired',
            message: `Expired: nobody approved or declined it within ${hours} hours (it needed ${whoMayApprove(approval.requested_by)}). No license was issued; submit a new request if it is still needed.`,
          },
          now,
        );
        await appendAudit(
          trx,
          EXPIRY_ACTOR,
          {
            action: 'request.expired',
            target: `request ${job.requestId}`,
            requestId: job.requestId,
            details: { requestedBy: approval.requested_by, waitedHours: hours },
          },
          now,
        );
      });
      ctx.wake.notify();
    },
  };
}
