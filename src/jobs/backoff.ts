/**
 * When to try a failed attempt again: exponential from 1 s, doubling, capped, with ±20 % jitter
 * so jobs that failed together do not all return together. A server's own `Retry-After` wins
 * when it asks for longer.
 */
export interface BackoffSettings {
  /** First delay in ms (default 1 000). */
  baseMs: number;
  /** Longest delay in ms (default 600 000: ten minutes). */
  maxMs: number;
}

export const defaultBackoff: BackoffSettings = { baseMs: 1_000, maxMs: 600_000 };

export function retryDelayMs(
  attempts: number,
  settings: BackoffSettings,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}
