import type { Kysely, Migration } from 'kysely';

/**
 * When each remote's circuit opened, so a process that only reads the circuits (an API-only
 * `serve --no-worker`, and `doctor` through its /readyz) can say since when a remote has not
 * answered. A circuit open when this is applied reads as opened at its next reopening.
 */
export function circuitOpenedAtSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('remote_circuits').addColumn('opened_at', 'bigint').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('remote_circuits').dropColumn('opened_at').execute();
    },
  };
}
