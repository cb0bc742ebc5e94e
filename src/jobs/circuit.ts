import type { FailureVerdict } from './job-handler.js';

/** Consecutive "does not answer" failures that open a remote's circuit. */
const failuresToOpen = 5;
const firstCooldownMs = 30_000;
const longestCooldownMs = 5 * 60_000;

/** Failures that say the remote is not answering at all, rather than answering "no". */
export function isUnanswered(verdict: FailureVerdict): boolean {
  return /_(TIMEOUT|UNREACHABLE|CONNECTION_FAILED)$/.test(verdict.code ?? '');
}

export interface CircuitState {
  remote: string;
  state: 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  /** While open: when the next attempt is let through (epoch ms). */
  retryAt?: number;
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
    { failures: number; openUntil?: number; cooldownMs: number }
  >();

  constructor(private readonly now: () => number) {}

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
      return wasOpen ? this.state(remote) : undefined;
    }
    circuit.failures += 1;
    const open = circuit.openUntil !== undefined;
    const halfOpen = open && this.now() >= (circuit.openUntil ?? 0);
    // Attempts that were already running when it opened fail too: they change nothing.
    if (open && !halfOpen) return undefined;
    if (halfOpen || circuit.failures >= failuresToOpen) {
      if (halfOpen) circuit.cooldownMs = Math.min(longestCooldownMs, circuit.cooldownMs * 2);
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
    };
  }

  /** Every remote seen so far. */
  states(): CircuitState[] {
    return [...this.circuits.keys()].sort().map((remote) => this.state(remote));
  }
}
