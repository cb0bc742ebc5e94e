import type { RequestStepHandler } from '../../jobs/job-handler.js';
import { defineRequestStep, type DeliveryJobInput } from '../../jobs/step.js';
import { RunLater } from '../../jobs/job-handler.js';
import { coverTrackerComment } from '../cover-outcome.js';
import { coverOutcomeOf } from '../cover-records.js';
import { markDelivered, markDeliveryFailed } from '../deliveries.js';
import { trackerDeliveryId } from '../delivery-ids.js';
import type { PipelineContext } from '../pipeline-context.js';
import { loadRequest, loadUndeliveredDelivery } from '../request-records.js';
import { recordEvent } from '../timeline.js';
import { attemptDelivery } from './delivery-attempt.js';
import { recordAfterDelivery } from './record-after-delivery.js';

export const commentTrackerIssue = defineRequestStep({
  kind: 'comment_tracker_issue',
  label: 'comment on the tracker issue',
  maxAttempts: 20,
  concurrency: 2,
  remote: 'tracker',
  uniqueKey: ({ deliveryId, round = 0 }: DeliveryJobInput) =>
    `comment_tracker_issue:${deliveryId}:${round}`,
  place: ({ requestId, deliveryId }) => ({ requestId, deliveryId }),
  handler: (ctx: PipelineContext) => commentTrackerIssueStep(ctx),
});

/**
 * Comments cover news on the request's tracker issue. The tracker keeps the event's key in the
 * comment and adds none that already carries it, so a retry after a crash adds nothing.
 */
function commentTrackerIssueStep(ctx: PipelineContext): RequestStepHandler {
  const db = ctx.store.db;
  return {
    async run(job) {
      const delivery = await loadUndeliveredDelivery(db, job.deliveryId);
      if (!delivery) return;
      const request = await loadRequest(db, job.requestId);
      if (!request) return;
      if (request.tracker_issue_number === null) {
        const sync = await db
          .selectFrom('deliveries')
          .select('state')
          .where('id', '=', trackerDeliveryId(request.id))
          .executeTakeFirst();
        // Waiting for the issue to be opened costs no attempt; a sync that failed for good does.
        if (sync?.state !== 'failed')
          throw new RunLater(1_000, 'the tracker issue is not open yet');
        throw new Error('The request has no tracker issue to comment on: retry the request.');
      }
      const outcome = await coverOutcomeOf(
        db,
        request,
        delivery.purpose,
        ctx.requestUrl(request.id),
      );
      const issue = {
        number: Number(request.tracker_issue_number),
        title: request.tracker_issue_title ?? '',
        state: request.tracker_issue_state === 'closed' ? ('closed' as const) : ('open' as const),
        ...(request.tracker_issue_url && { url: request.tracker_issue_url }),
      };
      const sent = await attemptDelivery(ctx, delivery.id, () =>
        ctx.tracker.comment(issue, { key: delivery.purpose, body: coverTrackerComment(outcome) }),
      );
      const now = ctx.clock.now();
      await recordAfterDelivery(() =>
        db.transaction().execute(async (trx) => {
          await markDelivered(trx, delivery.id, sent.ref, now);
          await recordEvent(
            trx,
            {
              requestId: request.id,
              kind: 'tracker.commented',
              message: `Commented on tracker issue #${issue.number} (${delivery.purpose}).`,
              data: { deliveryId: delivery.id, ref: sent.ref },
            },
            now,
          );
        }),
      );
    },
    async onFailed(job, verdict) {
      const now = ctx.clock.now();
      await markDeliveryFailed(db, job.deliveryId, now);
      await recordEvent(
        db,
        {
          requestId: job.requestId,
          kind: 'tracker.comment_failed',
          message: `Could not comment on the tracker issue: ${verdict.message}`,
          data: { deliveryId: job.deliveryId, code: verdict.code },
        },
        now,
      );
    },
  };
}
