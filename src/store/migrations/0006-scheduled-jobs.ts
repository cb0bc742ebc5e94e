import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * Scheduled work (issue 15) runs through the job table like a request's steps, but belongs to
 * no request: `jobs.request_id` may now be null. PostgreSQL drops the constraint in place.
 * SQLite cannot alter a column, so the table is rebuilt from its own stored definition (SQLite's
 * documented twelve-step procedure): whatever columns other migrations added survive, the
 * foreign key to `requests` stays, and the indexes are recreated from their stored SQL.
 */
export function scheduledJobsSchema(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`alter table jobs alter column request_id drop not null`.execute(db);
        return;
      }
      // kysely runs SQLite migrations outside a transaction: this one needs its own.
      await db.transaction().execute(async (trx) => {
        const table = await sql<{ sql: string }>`
          select sql from sqlite_master where type = 'table' and name = 'jobs'`.execute(trx);
        const indexes = await sql<{ sql: string }>`
          select sql from sqlite_master
          where type = 'index' and tbl_name = 'jobs' and sql is not null`.execute(trx);
        const definition = table.rows[0]?.sql ?? '';
        const nullable = definition
          .replace(/("?request_id"?\s+text)\s+not\s+null/i, '$1')
          .replace(/^create table\s+"?jobs"?/i, 'create table "jobs_rebuilt"');
        if (nullable === definition || !nullable.includes('jobs_rebuilt')) {
          throw new Error('the jobs table does not have the shape this migration expects');
        }
        await sql.raw(nullable).execute(trx);
        await sql`insert into jobs_rebuilt select * from jobs`.execute(trx);
        await sql`drop table jobs`.execute(trx);
        await sql`alter table jobs_rebuilt rename to jobs`.execute(trx);
        for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
      });
    },
  };
}
