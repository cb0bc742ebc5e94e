import { defineStep } from '../jobs/step.js';
import { runBatchHandler, type BatchContext } from './run-batch.js';

/**
 * The next chunk of a batch's rows, or its end (the summary notice and tracker issue). Keyed by
 * the batch's round, so a stop and a resume start a new chain and a crash replays none twice.
 * The job's delivery id carries the batch id: a batch belongs to no one request.
 */
export const runBatch = defineStep({
  kind: 'run_batch',
  label: 'run the batch',
  maxAttempts: 20,
  // A batch submits its rows one after another; its requests' steps use their own slots.
  concurrency: 1,
  uniqueKey: ({ batchId, round }: { batchId: string; round: number }) =>
    `run_batch:${batchId}:${round}`,
  place: ({ batchId }) => ({ deliveryId: batchId }),
  handler: (ctx: { batches: BatchContext }) => runBatchHandler(ctx.batches),
});
