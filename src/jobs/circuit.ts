import type { FailureVerdict } from './job-handler.js';

/** Consecutive "does not answer" failures that open a remote's circuit. */
const failuresToOpen = 5;
const firstCooldownMs = 30_000;
const longestCooldownMs = 5 * 60_000;

/** Failures that say the remote is not answering at all, rather than answering "no". */
export function isUnanswered(verdict: FailureVerdict): boolean {
  return /_(TIMEOUT|UNREACHABLE|CONNECTION_FAILED)$/.test(verdict.code ?? '');
}

/** What a circuit remembers, as kept in the database for every worker (sql/shared-circuits.ts). */
export interface CircuitRecord {
  remote: string;
  consecutiveFailures: number;
  /** Set once opened, until an answer closes it (epoch ms). */
  openUntil?: number;
  /** When it went from closed to open: kept while it reopens, until an answer closes it. */
  openedAt?: number;
  cooldownMs: number;
}

export interface CircuitState {
  remote: string;
  state: 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  /** While open: when the next attempt is let through (epoch ms). */
  retryAt?: number;
  /** While open or half-open: since when the remote has not answered (epoch ms). */
  since?: number;
}

/**
 * A remote that keeps timing out is backed off as a whole: after five attempts in a row that got
 * no answer, no job for it is claimed for 30 s (doubling on each failure after that, up to
 * 5 min); then one is let through (half-open): an answer closes the circuit, none opens it again.
 * Each step's own retry backoff still applies inside; the circuit spares the slots and the
 * remote the pile-up of attempts that would each wait out the full deadline.
 */
export class Circuits {
  private readonly circuits = new Map<
    string,
    { failures: number; openUntil?: number; openedAt?: number; cooldownMs: number }
  >();

  constructor(private readonly now: () => number) {}

  /**
   * Brings the circuits up to date with what every worker has seen. The in-process circuits
   * have nothing to fetch; shared ones read the database (sql/shared-circuits.ts).
   */
  refresh(): Promise<void> {
    return Promise.resolve();
  }

  /** Records an attempt's end where every worker sees it; here, in this process only. */
  report(
    remote: string | undefined,
    verdict: FailureVerdict | 'success',
  ): Promise<CircuitState | undefined> {
    return Promise.resolve(this.record(remote, verdict));
  }

  /** Takes a remote's circuit as recorded elsewhere, in place of what this one knew. */
  adopt(record: CircuitRecord): void {
    this.circuits.set(record.remote, {
      failures: record.consecutiveFailures,
      cooldownMs: record.cooldownMs,
      ...(record.openUntil !== undefined && { openUntil: record.openUntil }),
      ...(record.openedAt !== undefined && { openedAt: record.openedAt }),
    });
  }

  /** What would be stored for the remote; undefined for one never seen. */
  recordOf(remote: string): CircuitRecord | undefined {
    const circuit = this.circuits.get(remote);
    if (!circuit) return undefined;
    return {
      remote,
      consecutiveFailures: circuit.failures,
      cooldownMs: circuit.cooldownMs,
      ...(circuit.openUntil !== undefined && { openUntil: circuit.openUntil }),
      ...(circuit.openedAt !== undefined && { openedAt: circuit.openedAt }),
    };
  }

  /** Whether a job for `remote` may be claimed now. */
  allows(remote: string | undefined): boolean {
    if (!remote) return true;
    const circuit = this.circuits.get(remote);
    return circuit?.openUntil === undefined || this.now() >= circuit.openUntil;
  }

  /** Answers the state change it caused, if any. */
  record(
    remote: string | undefined,
    verdict: FailureVerdict | 'success',
  ): CircuitState | undefined {
    if (!remote) return undefined;
    const circuit = this.circuits.get(remote) ?? { failures: 0, cooldownMs: firstCooldownMs };
    this.circuits.set(remote, circuit);
    if (verdict === 'success' || !isUnanswered(verdict)) {
      const wasOpen = circuit.openUntil !== undefined;
      circuit.failures = 0;
      circuit.cooldownMs = firstCooldownMs;
      delete circuit.openUntil;
      delete circuit.openedAt;
      return wasOpen ? this.state(remote) : undefined;
    }
    circuit.failures += 1;
    const open = circuit.openUntil !== undefined;
    const halfOpen = open && this.now() >= (circuit.openUntil ?? 0);
    // Attempts that were already running when it opened fail too: they change nothing.
    if (open && !halfOpen) return undefined;
    if (halfOpen || circuit.failures >= failuresToOpen) {
      if (halfOpen) circuit.cooldownMs = Math.min(longestCooldownMs, circuit.cooldownMs * 2);
      // Kept when it reopens: a reader wants when the remote stopped answering, not the last try.
      circuit.openedAt ??= this.now();
      circuit.openUntil = this.now() + circuit.cooldownMs;
      return this.state(remote);
    }
    return undefined;
  }

  state(remote: string): CircuitState {
    const circuit = this.circuits.get(remote);
    if (!circuit) return { remote, state: 'closed', consecutiveFailures: 0 };
    const state =
      circuit.openUntil === undefined
        ? 'closed'
        : this.now() < circuit.openUntil
          ? 'open'
          : 'half-open';
    return {
      remote,
      state,
      consecutiveFailures: circuit.failures,
      ...(circuit.openUntil !== undefined && { retryAt: circuit.openUntil }),
      ...(circuit.openedAt !== undefined && { since: circuit.openedAt }),
    };
  }

  /** Every remote seen so far. */
  states(): CircuitState[] {
    return [...this.circuits.keys()].sort().map((remote) => this.state(remote));
  }
}
