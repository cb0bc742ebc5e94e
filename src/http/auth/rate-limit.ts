import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Store } from '../../store/database.js';
import type { StorageHealth } from '../../store/storage-health.js';
import { ApiError } from '../api-error.js';

const windowMs = 60_000;
/** Calls a process takes from the shared count at once, at most (see `CallCounter`). */
const maxReservation = 32;
/** Callers remembered per process before the ones of past minutes are forgotten. */
const maxCallers = 10_000;

interface Reservation {
  windowStart: number;
  /** The shared count once this process's last reservation was added: its last position. */
  lastPosition: number;
  /** Positions of that reservation not used yet, the last ones before `lastPosition`. */
  unused: number;
}

/**
 * A fixed one-minute window per caller, counted in the database so every service process
 * shares one count (a per-process counter would multiply the limit by the number of processes).
 *
 * A process takes a few positions of the count at once and spends them itself, so most calls
 * cost no write: it takes a sixteenth of what is left of the minute, 1 to 32, so near the limit
 * it takes them one by one. Every call still has its own position in the shared count and is
 * refused when that position is past the limit: never more than the limit are answered. A
 * position another process took and did not use is lost for the minute, so with several
 * processes a caller may be refused a little early (at most a sixteenth of what was left, per
 * other process), never late.
 */
export class CallCounter {
  private readonly reservations = new Map<string, Reservation>();

  constructor(
    private readonly store: Store,
    private readonly limitPerMinute: number,
  ) {}

  /** The call's position in the caller's minute, and the time until the minute ends. */
  async count(key: string, now: number): Promise<{ count: number; resetMs: number }> {
    const windowStart = now - (now % windowMs);
    const resetMs = windowStart + windowMs - now;
    const held = this.reservations.get(key);
    if (held && held.windowStart === windowStart && held.unused > 0) {
      held.unused -= 1;
      return { count: held.lastPosition - held.unused, resetMs };
    }
    const known = held?.windowStart === windowStart ? held.lastPosition : 0;
    const size = Math.min(
      maxReservation,
      Math.max(1, Math.floor((this.limitPerMinute - known) / 16)),
    );
    const lastPosition = await reserve(this.store, key, windowStart, size);
    if (this.reservations.size >= maxCallers) this.forgetBefore(windowStart);
    // The first of the positions taken is this call's.
    this.reservations.set(key, { windowStart, lastPosition, unused: size - 1 });
    return { count: lastPosition - size + 1, resetMs };
  }

  private forgetBefore(windowStart: number): void {
    for (const [key, held] of this.reservations)
      if (held.windowStart < windowStart) this.reservations.delete(key);
  }
}

/** Adds `size` calls to the caller's count for the minute in one upsert; answers the new count. */
async function reserve(
  store: Store,
  key: string,
  windowStart: number,
  size: number,
): Promise<number> {
  const row = await store.db
    .insertInto('rate_limits')
    .values({ key, window_start: windowStart, count: size })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_limits.window_start = ${windowStart} then rate_limits.count + ${size} else ${size} end`,
        window_start: windowStart,
      }),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function rateLimit(
  store: Store,
  limitPerMinute: number,
  now: () => number,
  storage: StorageHealth,
) {
  const counter = new CallCounter(store, limitPerMinute);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const caller = request.principal
      ? `${request.principal.kind}:${request.principal.name}`
      : `ip:${request.ip}`;
    let counted: { count: number; resetMs: number };
    try {
      counted = await counter.count(caller, now());
    } catch (error) {
      // The counter is a write: with the disk full it would turn every read into a 503.
      // Fail open for it then; the calls that write fail on their own, with a sentence.
      if (!storage.noteError(error)) throw error;
      request.log.warn({ err: error }, 'rate-limit counter not written (storage failure)');
      return;
    }
    const { count, resetMs } = counted;
    void reply.header('x-ratelimit-limit', limitPerMinute);
    void reply.header('x-ratelimit-remaining', Math.max(0, limitPerMinute - count));
    if (count > limitPerMinute) {
      const seconds = Math.max(1, Math.ceil(resetMs / 1000));
      void reply.header('retry-after', seconds);
      throw new ApiError(
        'RATE_LIMITED',
        `Too many calls: at most ${limitPerMinute} a minute. Try again in ${seconds} s.`,
      );
    }
  };
}
