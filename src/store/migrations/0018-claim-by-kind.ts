import type { Kysely, Migration } from 'kysely';

/**
 * Two indexes on jobs (issue 11).
 * - (kind, state, run_at): the worker claims each kind within its own slots, so a claim seeks
 *   straight to a kind's oldest due job. Through (state, run_at) alone it walked every due job
 *   of the kinds it left out (a backlog of emails behind three busy slots) on every claim.
 * - (delivery_id): whether an earlier job of a delivery was ever claimed (a step's "claimed
 *   before"), and whether another worker is running one now, read on every first attempt;
 *   without it each read scanned the whole table, a batch's 60 000 rows among them.
 */
export function claimByKindSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('jobs_claimable_by_kind')
        .on('jobs')
        .columns(['kind', 'state', 'run_at'])
        .execute();
      await db.schema.createIndex('jobs_delivery').on('jobs').columns(['delivery_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('jobs_delivery').ifExists().execute();
      await db.schema.dropIndex('jobs_claimable_by_kind').ifExists().execute();
    },
  };
}
