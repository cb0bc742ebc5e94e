import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Store } from './database.js';

/**
 * The one clock that ownership is judged by: leases (the tracker sync reads them too), their
 * takeover and the rate-limit minute. On PostgreSQL that is the database server's clock: each process measures
 * how far its own clock is from `clock_timestamp()` and corrects by that much, so a process
 * whose clock runs five minutes fast no longer sees live leases as expired (it took over jobs
 * healthy workers still held, and customers got their email twice). On SQLite every process
 * shares the machine's clock with the database file: the process clock is the only one, and the
 * offset is zero.
 *
 * Calendar days (`today()`, `moment()`: policy decisions, license dates) stay the process's own.
 */
export class DatabaseClock implements Clock {
  private offset = 0;
  private measuredOnce = false;

  constructor(
    private readonly base: Clock,
    private readonly store: Store,
  ) {}

  now(): number {
    return this.base.now() + this.offset;
  }

  today(): ReturnType<Clock['today']> {
    return this.base.today();
  }

  /** What a license is dated from: like today(), the process's own (its dates have an hour's margin). */
  moment(): Date {
    return this.base.moment();
  }

  /** Database time minus this process's time, as last measured (0 on SQLite). */
  get offsetMs(): number {
    return this.offset;
  }

  get source(): 'postgres' | 'process' {
    return this.store.dialect === 'postgres' ? 'postgres' : 'process';
  }

  /** Measures the offset again; answers it. A failed measurement keeps the last one. */
  async sync(): Promise<number> {
    const measured = await measureClockOffset(this.store, this.base);
    if (measured !== undefined) {
      this.offset = measured;
      this.measuredOnce = true;
    }
    return this.offset;
  }

  get measured(): boolean {
    return this.measuredOnce || this.store.dialect === 'sqlite';
  }
}

/**
 * How far the database's clock is ahead of `clock` (negative: behind), from one round trip,
 * taking its midpoint. Undefined on SQLite, whose clock is the process's.
 */
export async function measureClockOffset(store: Store, clock: Clock): Promise<number | undefined> {
  if (store.dialect !== 'postgres') return undefined;
  const before = clock.now();
  const result = await sql<{
    now: number | string;
  }>`select (extract(epoch from clock_timestamp()) * 1000)::bigint as now`.execute(store.db);
  const after = clock.now();
  const databaseNow = Number(result.rows[0]?.now);
  return Math.round(databaseNow - (before + after) / 2);
}

/** The sentence for a clock this far off, for the start-up log and `lifeline doctor`. */
export function clockSkewSentence(offsetMs: number, maxMs: number): string {
  const seconds = (Math.abs(offsetMs) / 1000).toFixed(1);
  const direction = offsetMs < 0 ? 'ahead of' : 'behind';
  return `This machine's clock is ${seconds} s ${direction} the database's (more than LIFELINE_MAX_CLOCK_SKEW_MS = ${maxMs} ms). Leases and rate limits follow the database's clock, but the days that decisions and licenses are dated by follow this one: sync it (NTP, chrony).`;
}
