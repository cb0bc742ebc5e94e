import { storageFailureCode, storageFailureSentence } from './storage-failure.js';

/** How long after the last failed write the storage still counts as failing. */
const failingForMs = 30_000;

/**
 * What this process has seen of its storage: the last write that failed for space or I/O.
 * `/readyz` reports not ready while a failure is recent, so a load balancer sends writes
 * elsewhere; the worker pauses on one. Nothing here is stored: it is this process's view.
 */
export class StorageHealth {
  private lastFailure: { at: number; code: string } | undefined;
  private failures = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Records `error` when it is a storage failure; answers whether it was one. */
  noteError(error: unknown): boolean {
    const code = storageFailureCode(error);
    if (!code) return false;
    this.lastFailure = { at: this.now(), code };
    this.failures += 1;
    return true;
  }

  /** Storage failures seen since the process started. */
  get failureCount(): number {
    return this.failures;
  }

  /** Undefined when writes work, else the sentence saying why they do not. */
  problem(): string | undefined {
    const last = this.lastFailure;
    if (!last || this.now() - last.at > failingForMs) return undefined;
    return `${storageFailureSentence(last.code)} Last failed write: ${new Date(last.at).toISOString()}.`;
  }
}
