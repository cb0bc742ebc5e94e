import { storageFailureCode } from '../../store/storage-failure.js';
import type { PipelineContext } from '../pipeline-context.js';

export interface RecordOptions {
  /** Tries for an ordinary failure (a pool timeout, a serialisation failure). */
  attempts?: number;
  /**
   * How long a write refused for space or I/O is tried again, from the first such refusal:
   * the job's lease, which the step still holds, so no other worker has taken the job over.
   */
  storageWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Records what an outside system already did (an email accepted, a notice posted). If this
 * write failed, the job would run again and repeat the delivery, so a passing database hiccup
 * (a pool timeout, a serialisation failure) is retried here first, a few times over about
 * 1.5 seconds, before the job is left to its own retry. A full disk lasts longer than that (the
 * chaos run sent emails twice when the disk filled for two seconds between "accepted" and
 * "recorded"), so a storage refusal is tried again every second for as long as the lease lasts.
 */
export async function recordAfterDelivery<T>(
  write: () => Promise<T>,
  options: RecordOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let delayMs = 100;
  let failures = 0;
  let storageSince: number | undefined;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      if (storageFailureCode(error)) {
        storageSince ??= now();
        if (now() - storageSince + 1_000 > (options.storageWaitMs ?? 0)) throw error;
        await sleep(1_000);
        continue;
      }
      failures += 1;
      if (failures >= attempts) throw error;
      await sleep(delayMs);
      delayMs *= 2;
    }
  }
}

/**
 * A step's options: a storage refusal is waited out for half the lease. The lease may not have
 * been renewed since the disk filled (a renewal is a write too); renewed every third of it, it
 * lasts at least two thirds of a lease past the first refusal, so the job is still this
 * worker's when the wait ends, and no other worker has sent the delivery again.
 */
export function recordingOptions(ctx: Pick<PipelineContext, 'leaseMs'>): RecordOptions {
  return { storageWaitMs: Math.floor(ctx.leaseMs / 2) };
}
