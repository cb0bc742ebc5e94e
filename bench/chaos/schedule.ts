import { seededRandom } from './prng.js';

/** The outside systems the chaos run puts a fault proxy in front of. */
export const remotes = ['smtp', 'gitlab', 'slack', 'zendesk'] as const;
export type Remote = (typeof remotes)[number];

/** One fault, `atMs` after the run starts, lasting `forMs`. */
export type Fault =
  | { kind: 'kill-worker'; atMs: number; forMs: number; worker: number }
  | { kind: 'hang'; atMs: number; forMs: number; remote: Remote }
  | { kind: 'refuse'; atMs: number; forMs: number; remote: Remote }
  | { kind: 'skewed-worker'; atMs: number; forMs: number; offsetMs: number }
  | { kind: 'full-disk'; atMs: number; forMs: number };

export interface ChaosPlan {
  seed: number;
  /** When each request is submitted (ms after the start), in order. */
  submissions: number[];
  faults: Fault[];
  /** When the last fault has ended: recovery is judged from here. */
  quietAfterMs: number;
}

export interface PlanOptions {
  seed: number;
  requests: number;
  /** How long requests keep arriving and faults keep happening. */
  durationMs: number;
  /** Worker processes that run from the start (the skewed one comes on top). */
  workers: number;
  /** Whether the data disk can be filled (a tmpfs needs root). */
  fullDisk: boolean;
  /**
   * Whether a worker with a wrong clock joins. Only on PostgreSQL: SQLite processes share one
   * machine, whose clock is the database's by construction (src/store/database-clock.ts).
   */
  skewedWorker: boolean;
}

/**
 * The whole run, drawn from the seed: when requests arrive, which worker is killed when (it is
 * restarted `forMs` later), when each remote hangs (accepts and never answers) and refuses
 * connections, when a worker whose clock runs five minutes fast joins, and when the disk fills.
 * Pure: the same options give the same plan.
 */
export function planChaos(options: PlanOptions): ChaosPlan {
  const random = seededRandom(options.seed);
  const span = options.durationMs;
  // Faults fall within the first 85 % of the run, so the last requests also meet some.
  const at = (from = 0.05, to = 0.85) => Math.round(span * (from + random.next() * (to - from)));
  const lasting = (minMs: number, maxMs: number) =>
    Math.round(Math.min(maxMs, Math.max(minMs, span * 0.04 + random.next() * span * 0.06)));

  const submissions = Array.from({ length: options.requests }, () =>
    Math.round(random.next() * span * 0.9),
  ).sort((a, b) => a - b);

  const faults: Fault[] = [];
  const kills = Math.max(2, Math.round(span / 6_000));
  for (let i = 0; i < kills; i++) {
    faults.push({
      kind: 'kill-worker',
      atMs: at(),
      forMs: random.between(300, 2_000),
      worker: random.between(0, options.workers - 1),
    });
  }
  for (const remote of remotes) {
    faults.push({ kind: 'hang', atMs: at(), forMs: lasting(2_000, 8_000), remote });
    faults.push({ kind: 'refuse', atMs: at(), forMs: lasting(1_000, 5_000), remote });
  }
  // The skewed worker stays to the end: a clock that is off does not mend itself.
  const skewAt = at(0.05, 0.4);
  if (options.skewedWorker)
    faults.push({
      kind: 'skewed-worker',
      atMs: skewAt,
      forMs: span - skewAt,
      offsetMs: 5 * 60_000,
    });
  // A moment: up to 4 s, within the 5 s a step waits out a full disk at the run's 10 s lease.
  if (options.fullDisk)
    faults.push({ kind: 'full-disk', atMs: at(0.2, 0.7), forMs: lasting(2_000, 4_000) });
  faults.sort((a, b) => a.atMs - b.atMs);
  const quietAfterMs = Math.max(span, ...faults.map((fault) => fault.atMs + fault.forMs));
  return { seed: options.seed, submissions, faults, quietAfterMs };
}
