import type { PipelineContext } from '../pipeline-context.js';
import { markAttemptFailed } from '../deliveries.js';
import { DeliveryError } from '../../ports/delivery-error.js';

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
        ...(error instanceof DeliveryError &&
          error.remoteReply !== undefined && { remoteReply: error.remoteReply }),
        final: false,
      },
      ctx.clock.now(),
    ).catch(() => undefined);
    throw error;
  }
}
