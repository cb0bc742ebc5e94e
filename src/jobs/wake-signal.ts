/**
 * Wakes idle workers when work arrives, instead of waiting for the next poll. In one process a
 * promise is enough; on PostgreSQL `LISTEN/NOTIFY` feeds the same signal across processes.
 */
export class WakeSignal {
  private waiters: Array<() => void> = [];
  private pending = false;
  private notices = 0;

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
