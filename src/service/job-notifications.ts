import type { Logger } from 'pino';
import type { WakeSignal } from '../jobs/wake-signal.js';
import type { Store } from '../store/database.js';

/**
 * Cross-process wake-ups. On SQLite everything runs in one process and the in-process signal
 * is enough; PostgreSQL deployments add LISTEN/NOTIFY here. Returns a function that stops it.
 */
export function listenForJobs(
  _store: Store,
  _wake: WakeSignal,
  _logger: Logger,
): Promise<() => Promise<void>> {
  return Promise.resolve(() => Promise.resolve());
}
