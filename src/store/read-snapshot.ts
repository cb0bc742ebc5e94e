import type { Kysely } from 'kysely';
import { onPostgres } from './dialect.js';
import type { Database } from './schema.js';

/**
 * Runs reads that must agree with each other on one snapshot of the database: a request's row,
 * its deliveries and its timeline read as separate statements could otherwise straddle a move
 * committed between them, and show a request still waiting beside the notice of its expiry.
 *
 * PostgreSQL: one REPEATABLE READ transaction, which every statement in it reads as of its
 * first. SQLite: one transaction on the process's one connection, which no other statement of
 * the process can use meanwhile, and which holds the write lock other processes wait for.
 */
export function readSnapshot<T>(
  db: Kysely<Database>,
  read: (snapshot: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const transaction = db.transaction();
  return (onPostgres(db) ? transaction.setIsolationLevel('repeatable read') : transaction).execute(
    read,
  );
}
