/**
 * Wakes idle workers when work arrives, instead of waiting for the next poll. In one process a
 * promise is enough; on PostgreSQL `LISTEN/NOTIFY` feeds the same signal across processes.
 */
export class WakeSignal {
  private waiters: Array<() => void> = [];
  private pending = false;

  notify(): void {
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
