import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from './dialect.js';
import type { Database } from './schema.js';

/** The first key of PostgreSQL's two-key advisory locks, so ours never meet another app's. */
const lifelineLockSpace = 0x4c494645; // "LIFE"

/**
 * Takes PostgreSQL transaction-level advisory locks on named things (a customer's email domain,
 * an idempotency key) until the transaction ends, so that transactions about the same thing run
 * one after the other, in every process, while transactions about different things run side by
 * side. Locks are taken in a fixed order (by their number), so two transactions that share
 * several names cannot deadlock. Two names whose 32-bit hashes collide only serialise more than
 * needed.
 *
 * SQLite needs none: it runs one write transaction at a time.
 */
export async function lockNames(
  trx: Kysely<Database>,
  dialect: StoreDialect,
  names: readonly string[],
): Promise<void> {
  if (dialect !== 'postgres') return;
  const ids = [...new Set(names.map(lockNumber))].sort((a, b) => a - b);
  if (ids.length === 0) return;
  // One round trip; the ordered subquery hands the ids to the lock function in that order.
  await sql`select count(pg_advisory_xact_lock(${lifelineLockSpace}::int4, id))
    from (select unnest(${`{${ids.join(',')}}`}::int4[]) as id order by id) as ordered`.execute(
    trx,
  );
}

/** A signed 32-bit number for a name (PostgreSQL's int4). */
export function lockNumber(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}
