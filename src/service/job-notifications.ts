import type { Logger } from 'pino';
import { jobChannel } from '../jobs/sql/notify-jobs.js';
import type { WakeSignal } from '../jobs/wake-signal.js';
import type { Store } from '../store/database.js';
import { listenOnChannel } from '../store/postgres-listener.js';

/**
 * Cross-process wake-ups. Every transaction that enqueues jobs also sends a NOTIFY on
 * `lifeline_jobs` (see `notifyJobs`); here a worker process LISTENs on its own connection and
 * wakes its idle worker at once instead of at the next poll. On SQLite everything runs in one
 * process and the in-process signal is enough. Returns a function that stops listening.
 *
 * Nothing depends on a notification arriving: if the connection drops, the worker keeps polling
 * (LIFELINE_JOB_POLL_MS) while the listener reconnects with backoff, and it wakes the worker
 * once reconnected, for any jobs whose notification was lost meanwhile.
 */
export async function listenForJobs(
  store: Store,
  wake: WakeSignal,
  logger: Logger,
): Promise<() => Promise<void>> {
  if (!store.connectDirect) return () => Promise.resolve();
  const listener = await listenOnChannel({
    connect: store.connectDirect,
    channel: jobChannel,
    onNotification: () => wake.notify(),
    onConnected: (reconnected) => {
      if (reconnected) logger.info('job notifications: listening again');
      wake.notify();
    },
    onLost: (error, retryInMs) => {
      logger.warn(
        { error: error instanceof Error ? error.message : String(error), retryInMs },
        'job notifications: connection lost, polling until it is back',
      );
    },
  });
  return () => listener.stop();
}
