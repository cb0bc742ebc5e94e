import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Jobs this process's worker claimed in another's transaction: started once that commits. */
export interface ClaimedWithin {
  /** The transaction committed: the jobs are this worker's to run. */
  start(): void;
  /** The transaction failed: what it claimed was never claimed. */
  abandon(): void;
}

/** This process's worker, as the code that enqueues work sees it. */
export interface LocalClaimer {
  /** Claims due jobs in `trx` for the worker's free slots; undefined when it cannot now. */
  claimWithin(trx: Kysely<Database>): Promise<ClaimedWithin | undefined>;
}

/**
 * Wakes idle workers when work arrives, instead of waiting for the next poll. In one process a
 * promise is enough; on PostgreSQL `LISTEN/NOTIFY` feeds the same signal across processes.
 */
export class WakeSignal {
  private waiters: Array<() => void> = [];
  private pending = false;
  private notices = 0;
  private claimer: LocalClaimer | undefined;

  /** The worker of this process, which may claim work in the transaction that enqueued it. */
  attach(claimer: LocalClaimer): void {
    this.claimer = claimer;
  }

  /**
   * Work was just enqueued in `trx`: this process's worker (if it runs one, with a slot free)
   * claims it in that same transaction, which spares the write transaction of a claim of its
   * own right after the commit. The caller starts what was claimed once it has committed, or
   * abandons it, and calls `notify` only when nothing was claimed here.
   */
  claimWithin(trx: Kysely<Database>): Promise<ClaimedWithin | undefined> {
    return this.claimer?.claimWithin(trx) ?? Promise.resolve(undefined);
  }

  /** Work may have arrived (an enqueue, a NOTIFY, jobs handed back). */
  notify(): void {
    this.notices += 1;
    this.nudge();
  }

  /**
   * How many times work was announced: a worker that found the queue empty claims again only
   * once this moves (or its poll or the next due job comes round).
   */
  get generation(): number {
    return this.notices;
  }

  /** Wakes the waiting worker without saying work arrived (a slot of its own came free). */
  nudge(): void {
    const waiters = this.waiters;
    this.waiters = [];
    if (waiters.length === 0) this.pending = true;
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notify, or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      }, timeoutMs);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }
}
