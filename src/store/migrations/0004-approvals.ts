import type { Kysely, Migration } from 'kysely';

/**
 * A second person's approval (issue 13):
 * - `approvals`: one row per request a guardrail held, made when it starts waiting. Its verdict
 *   (approved | declined | expired) is written once, by whoever gets there first: the update
 *   only touches a row without a verdict, so an approval racing the expiry job settles it once.
 * - an index on (requested_by, created_at), for the per-engineer rolling 24-hour cap.
 */
export function approvalsSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('approvals')
        .addColumn('request_id', 'text', (c) => c.primaryKey().references('requests.id'))
        .addColumn('requested_by', 'text', (c) => c.notNull())
        /** The guardrails that held the request, as JSON (the decision's `guardrails`). */
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('verdict', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('reason', 'text')
        .addColumn('decided_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('approvals_waiting')
        .on('approvals')
        .columns(['verdict', 'created_at'])
        .execute();
      await db.schema
        .createIndex('requests_requested_by')
        .on('requests')
        .columns(['requested_by', 'created_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('requests_requested_by').execute();
      await db.schema.dropTable('approvals').execute();
    },
  };
}
