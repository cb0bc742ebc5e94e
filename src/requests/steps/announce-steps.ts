import type { Kysely } from 'kysely';
import type { RequestStepHandler } from '../../jobs/job-handler.js';
import type { Database } from '../../store/schema.js';
import { defineRequestStep, type DeliveryJobInput } from '../../jobs/step.js';
import { outcomeKinds, type RequestOutcome } from '../../ports/outcome.js';
import type { NoticeRetry } from '../../ports/notice-channel.js';
import { loadApproval } from '../approval-records.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { OutcomeKind } from '../../ports/outcome.js';
import { deliverOnce, markDelivered, markDeliveryFailed } from '../deliveries.js';
import { loadLicense, loadRequest, loadUndeliveredDelivery } from '../request-records.js';
import { outcomeOf } from '../request-outcome.js';
import { recordEvent, type TimelineKind } from '../timeline.js';
import { attemptDelivery, claimedBefore } from './delivery-attempt.js';
import { parseCoverEventKey } from '../cover.js';
import { coverOutcomeOf } from '../cover-records.js';
import { recordAfterDelivery, recordingOptions } from './record-after-delivery.js';

interface Announcement {
  send(
    outcome: RequestOutcome,
    retry?: NoticeRetry,
  ): Promise<{ ref?: string; destination: string }>;
  done: TimelineKind;
  failed: TimelineKind;
  what: string;
}

/**
 * The two ways the outside hears of an outcome: the licensing team's channel and the ticket.
 * Neither blocks the license: when one keeps failing, the delivery is marked failed on the
 * request and the console offers to retry it.
 */
function announceStep(ctx: PipelineContext, announcement: Announcement): RequestStepHandler {
  const db = ctx.store.db;
  return {
    async run(job, _signal, settle) {
      const delivery = await loadUndeliveredDelivery(db, job.deliveryId);
      if (!delivery) return;
      const request = await loadRequest(db, job.requestId);
      if (!request) return;
      const license = await loadLicense(db, job.requestId);
      const approval = await loadApproval(db, job.requestId);
      const kind = outcomeKinds.find((known) => known === delivery.purpose) ?? 'issued';
      const outcome = parseCoverEventKey(delivery.purpose)
        ? await coverOutcomeOf(db, request, delivery.purpose, ctx.requestUrl(request.id))
        : outcomeOf(request, license, kind, ctx.requestUrl(request.id), approval);
      // A job claimed before (a timeout, a crash) or a delivery that failed before may have
      // reached the remote with its answer lost: the channel looks for it before sending again.
      // A failed attempt is stamped when it ended; a crash's, not at all (its start is later
      // than the delivery's making, at least).
      const retry =
        delivery.attempts > 0 || (await claimedBefore(ctx, job))
          ? {
              since: delivery.created_at,
              lastTriedAt: delivery.attempts > 0 ? delivery.updated_at : delivery.created_at,
            }
          : undefined;
      const sent = await attemptDelivery(ctx, delivery.id, () => announcement.send(outcome, retry));
      const now = ctx.clock.now();
      await recordAfterDelivery(
        () =>
          db.transaction().execute(async (trx) => {
            await markDelivered(trx, delivery.id, sent.ref ?? sent.destination, now);
            await settle.complete(trx);
            await recordEvent(
              trx,
              {
                requestId: request.id,
                kind: announcement.done,
                message: `${announcement.what} (${outcome.cover?.key ?? outcome.outcome}): ${sent.destination}.`,
                data: { deliveryId: delivery.id, ref: sent.ref },
              },
              now,
            );
          }),
        recordingOptions(ctx),
      );
    },
    async onFailed(job, verdict) {
      const now = ctx.clock.now();
      await markDeliveryFailed(db, job.deliveryId, now);
      await recordEvent(
        db,
        {
          requestId: job.requestId,
          kind: announcement.failed,
          message: `${announcement.what} failed: ${verdict.message}`,
          data: { deliveryId: job.deliveryId, code: verdict.code },
        },
        now,
      );
    },
  };
}

/** Which delivery an announcement carries out, once per round (a retry is a new round). */
export const postNotice = defineRequestStep({
  kind: 'post_notice',
  label: 'post the notice to the licensing channel',
  maxAttempts: 12,
  concurrency: 2,
  remote: 'notice',
  uniqueKey: ({ deliveryId, round = 0 }: DeliveryJobInput) => `post_notice:${deliveryId}:${round}`,
  place: ({ requestId, deliveryId }) => ({ requestId, deliveryId }),
  handler: (ctx: PipelineContext) => postNoticeStep(ctx),
});

export const noteTicket = defineRequestStep({
  kind: 'note_ticket',
  label: 'add the internal note to the ticket',
  maxAttempts: 12,
  concurrency: 2,
  remote: 'ticket',
  uniqueKey: ({ deliveryId, round = 0 }: DeliveryJobInput) => `note_ticket:${deliveryId}:${round}`,
  place: ({ requestId, deliveryId }) => ({ requestId, deliveryId }),
  handler: (ctx: PipelineContext) => noteTicketStep(ctx),
});

/** What the timeline says of each announcement, whichever way it was made. */
const announcements = {
  notice: { done: 'notice.posted', failed: 'notice.failed', what: 'Notice to the licensing team' },
  ticket: { done: 'ticket.noted', failed: 'ticket.failed', what: 'Internal note on the ticket' },
} as const satisfies Record<string, Omit<Announcement, 'send'>>;

function postNoticeStep(ctx: PipelineContext): RequestStepHandler {
  return announceStep(ctx, {
    send: (outcome, retry) => ctx.notice.post(outcome, retry),
    ...announcements.notice,
  });
}

function noteTicketStep(ctx: PipelineContext): RequestStepHandler {
  return announceStep(ctx, {
    send: (outcome, retry) => ctx.ticketDesk.addInternalNote(outcome, retry),
    ...announcements.ticket,
  });
}

/**
 * The notice or the note when its destination is the request's timeline itself (Slack or
 * Zendesk not configured): nothing leaves Lifeline, so it is recorded in the caller's
 * transaction, with the same delivery and timeline event the step would have written, and no
 * job. Once per delivery: one already delivered is left as it is.
 */
export async function announceInTimeline(
  db: Kysely<Database>,
  medium: 'notice' | 'ticket',
  delivery: { id: string; requestId: string; purpose: OutcomeKind; destination: string },
  now: number,
): Promise<void> {
  const made = { ...delivery, medium };
  if (!(await deliverOnce(db, made, delivery.destination, now))) return;
  const { done, what } = announcements[medium];
  await recordEvent(
    db,
    {
      requestId: delivery.requestId,
      kind: done,
      message: `${what} (${delivery.purpose}): ${delivery.destination}.`,
      data: { deliveryId: delivery.id },
    },
    now,
  );
}
