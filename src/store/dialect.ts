import { PostgresAdapter } from 'kysely';

/** The two databases Lifeline runs on. The code path is shared; a few statements differ. */
export type StoreDialect = 'sqlite' | 'postgres';

/** Whether `db` (a database or a transaction of one) writes PostgreSQL's SQL. */
export function onPostgres(db: { getExecutor(): { readonly adapter: unknown } }): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
