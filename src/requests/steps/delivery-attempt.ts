import type { RequestJob } from '../../jobs/job-handler.js';
import type { PipelineContext } from '../pipeline-context.js';
import { markAttemptFailed } from '../deliveries.js';
import { RemoteFailure } from '../../ports/remote-failure.js';

/**
 * Runs one attempt of a delivery and, when it throws, records the error on the delivery before
 * the worker decides whether to try again, so the console shows "retrying: 450 mailbox busy".
 */
export async function attemptDelivery<T>(
  ctx: PipelineContext,
  deliveryId: string,
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    const verdict = ctx.classify(error);
    await markAttemptFailed(
      ctx.store.db,
      deliveryId,
      {
        message: verdict.message,
        ...(error instanceof RemoteFailure &&
          error.remoteReply !== undefined && { remoteReply: error.remoteReply }),
        final: false,
      },
      ctx.clock.now(),
    ).catch(() => undefined);
    throw error;
  }
}

/**
 * Whether an attempt before this one may have reached the remote for this job's delivery: this
 * job was claimed before (a crash, a timeout), or another job of the same delivery was (an
 * earlier round, a sync of an earlier revision). Only then does a step look for what that
 * attempt may have left (an issue, a note, a notice) before sending again; a first attempt
 * spares the remote that round trip.
 */
export async function claimedBefore(ctx: PipelineContext, job: RequestJob): Promise<boolean> {
  if (job.attempts > 1) return true;
  if (job.deliveryId === null) return true;
  const other = await ctx.store.db
    .selectFrom('jobs')
    .select('id')
    .where('delivery_id', '=', job.deliveryId)
    .where('id', '!=', job.id)
    .where('attempts', '>', 0)
    .executeTakeFirst();
  return other !== undefined;
}
