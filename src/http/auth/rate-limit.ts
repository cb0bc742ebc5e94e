import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Store } from '../../store/database.js';
import type { StorageHealth } from '../../store/storage-health.js';
import { ApiError } from '../api-error.js';

const windowMs = 60_000;

/**
 * A fixed one-minute window per caller, counted in the database with one upsert, so every
 * service process shares the same count (a per-process counter would multiply the limit by the
 * number of processes).
 */
export async function countCall(
  store: Store,
  key: string,
  now: number,
): Promise<{ count: number; resetMs: number }> {
  const windowStart = now - (now % windowMs);
  const row = await store.db
    .insertInto('rate_limits')
    .values({ key, window_start: windowStart, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_limits.window_start = ${windowStart} then rate_limits.count + 1 else 1 end`,
        window_start: windowStart,
      }),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), resetMs: windowStart + windowMs - now };
}

export function rateLimit(
  store: Store,
  limitPerMinute: number,
  now: () => number,
  storage: StorageHealth,
) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const caller = request.principal
      ? `${request.principal.kind}:${request.principal.name}`
      : `ip:${request.ip}`;
    let counted: { count: number; resetMs: number };
    try {
      counted = await countCall(store, caller, now());
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
