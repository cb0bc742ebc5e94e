import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The job queue's indexes hold only live jobs (issue 11). Through (state, run_at) and
 * (kind, state, run_at) every job kept an entry for good, and each claim and each completion
 * moved it from one state's part of both indexes to another's: a quarter of the pages SQLite
 * wrote for a request (25 of 109 in a batch, counted from the WAL) were those two indexes. A
 * partial index drops a job at its claim (`jobs_due`) or its end (`jobs_leased`), so what is
 * left stays small and in the page cache; finished jobs are reached by id, request, delivery and
 * unique key, which never change. A schedule's runs, the one read by kind whatever the state,
 * get a partial index of their own: on (kind, unique_key) every job of every kind paid a page.
 *
 * The queries that use them name the state as a literal, not a bound parameter: SQLite uses a
 * partial index only when it can see at prepare time that the query's WHERE implies the index's.
 */
export function liveJobIndexesSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // A kind's oldest due jobs: the worker's claim, the batch's backlog, the next reminder,
      // and the queue gauge.
      await sql`CREATE INDEX jobs_due ON jobs (kind, run_at) WHERE state = 'pending'`.execute(db);
      // Leases that have run out (the sweep), and the running gauge.
      await sql`CREATE INDEX jobs_leased ON jobs (locked_until) WHERE state = 'running'`.execute(
        db,
      );
      // A schedule's runs, newest first, whatever their state.
      await sql`CREATE INDEX jobs_schedule_runs ON jobs (unique_key) WHERE kind = 'run_schedule'`.execute(
        db,
      );
      await db.schema.dropIndex('jobs_claimable_by_kind').execute();
      await db.schema.dropIndex('jobs_claimable').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema
        .createIndex('jobs_claimable')
        .on('jobs')
        .columns(['state', 'run_at'])
        .execute();
      await db.schema
        .createIndex('jobs_claimable_by_kind')
        .on('jobs')
        .columns(['kind', 'state', 'run_at'])
        .execute();
      await db.schema.dropIndex('jobs_schedule_runs').ifExists().execute();
      await db.schema.dropIndex('jobs_leased').ifExists().execute();
      await db.schema.dropIndex('jobs_due').ifExists().execute();
    },
  };
}
