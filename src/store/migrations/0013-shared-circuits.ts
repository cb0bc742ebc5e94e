import type { Kysely, Migration } from 'kysely';

/**
 * One circuit per remote for every worker (issue 14): a remote that keeps timing out is backed
 * off as a whole, not once per process, and a restarted worker does not forget it. Instants
 * are the database clock's (see src/store/database-clock.ts), like leases.
 */
export function sharedCircuitsSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('remote_circuits')
        .addColumn('remote', 'text', (c) => c.primaryKey())
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
        .addColumn('open_until', 'bigint')
        .addColumn('cooldown_ms', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        // Bumped on every change: a write applies only over the version it was computed from.
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('remote_circuits').ifExists().execute();
    },
  };
}
