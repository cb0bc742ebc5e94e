import type { Kysely, Migration } from 'kysely';

/**
 * Each word means one thing (issue 11): `channel` is left to Slack. How a request arrived is
 * its origin (`requests.origin`: api | console | zendesk | cli | batch), and where a delivery
 * goes is its medium (`deliveries.medium`: email | notice | ticket | tracker). A rename keeps
 * the values and, on both databases, whatever index or constraint names the column.
 */
export function originAndMediumSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('requests').renameColumn('channel', 'origin').execute();
      await db.schema.alterTable('deliveries').renameColumn('channel', 'medium').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('deliveries').renameColumn('medium', 'channel').execute();
      await db.schema.alterTable('requests').renameColumn('origin', 'channel').execute();
    },
  };
}
