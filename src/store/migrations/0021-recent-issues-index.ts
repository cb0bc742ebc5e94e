import type { Kysely, Migration } from 'kysely';

/**
 * requests_state gains requested_by, so the guardrail's count of the last 24 hours (the desk's
 * and the requester's, src/requests/guardrail-history.ts) reads the index alone instead of
 * every request row of the day. Its first two columns are unchanged, so every query that used
 * it still does.
 */
export function recentIssuesIndexSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('requests_state').execute();
      await db.schema
        .createIndex('requests_state')
        .on('requests')
        .columns(['state', 'created_at', 'requested_by'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('requests_state').execute();
      await db.schema
        .createIndex('requests_state')
        .on('requests')
        .columns(['state', 'created_at'])
        .execute();
    },
  };
}
