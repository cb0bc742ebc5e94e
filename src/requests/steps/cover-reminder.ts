import type { RequestStepHandler } from '../../jobs/job-handler.js';
import { defineRequestStep } from '../../jobs/step.js';
import { addDays, type CalendarDate } from '../../license/calendar-date.js';
import { isWaiting, parseCoverEventKey } from '../cover.js';
import { announceCover } from '../cover-announcements.js';
import type { PipelineContext } from '../pipeline-context.js';
import { recordEvent } from '../timeline.js';

/**
 * The job's delivery id carries the event key: the job has no delivery of its own, it makes the
 * event's deliveries when it runs.
 */
export const coverReminder = defineRequestStep({
  kind: 'cover_reminder',
  label: 'remind of the cover',
  maxAttempts: 20,
  concurrency: 2,
  uniqueKey: ({ requestId, eventKey }: { requestId: string; eventKey: string; runAt: number }) =>
    `cover_reminder:${requestId}:${eventKey}`,
  place: ({ requestId, eventKey, runAt }) => ({ requestId, deliveryId: eventKey, runAt }),
  handler: (ctx: PipelineContext) => coverReminderStep(ctx),
});

/**
 * A reminder, or the lapse, of a cover, run on its day. It looks at the cover when it runs, not
 * when it was queued: a renewal since then (or an extension, which makes a newer license the
 * current one) leaves nothing to do. The lapse moves the cover with a conditional update and a
 * reminder claims its notice's delivery row, so each is announced once however many workers
 * run the job and however often.
 */
function coverReminderStep(ctx: PipelineContext): RequestStepHandler {
  const db = ctx.store.db;
  return {
    async run(job) {
      const event = parseCoverEventKey(job.deliveryId ?? '');
      if (!event || (event.kind !== 'reminder' && event.kind !== 'lapsed')) return;
      const now = ctx.clock.now();
      await db.transaction().execute(async (trx) => {
        const request = await trx
          .selectFrom('requests')
          .select(['cover_state', 'cover_ends_on', 'extensions', 'customer_email'])
          .where('id', '=', job.requestId)
          .executeTakeFirst();
        if (!request || !isWaiting(request.cover_state)) return;
        if (Number(request.extensions) !== event.lineage) return;
        const endsOn = (request.cover_ends_on ?? '') as CalendarDate;
        if (event.kind === 'lapsed') {
          const moved = await trx
            .updateTable('requests')
            .set({ cover_state: 'lapsed', updated_at: now })
            .where('id', '=', job.requestId)
            .where('cover_state', 'in', ['pending', 'extended'])
            .where('extensions', '=', event.lineage)
            .executeTakeFirst();
          if (moved.numUpdatedRows === 0n) return;
          await announceCover(trx, job.requestId, event, ctx.destinations, now);
          await recordEvent(
            trx,
            {
              requestId: job.requestId,
              kind: 'cover.lapsed',
              message: `The temporary license expired at 00:00 on ${endsOn} (server time) with no renewal recorded: the cover lapsed.`,
              data: { lineage: event.lineage },
            },
            now,
          );
          return;
        }
        const customer = ctx.cover.emailCustomer ? request.customer_email : undefined;
        if (!(await announceCover(trx, job.requestId, event, ctx.destinations, now, customer)))
          return;
        await recordEvent(
          trx,
          {
            requestId: job.requestId,
            kind: 'cover.reminded',
            message: `Reminder: the temporary license works through ${addDays(endsOn, -1)} and no renewal is recorded yet (${event.daysBefore} day${event.daysBefore === 1 ? '' : 's'} before it ends).`,
            data: { lineage: event.lineage, daysBefore: event.daysBefore },
          },
          now,
        );
      });
      ctx.wake.notify();
    },
  };
}
