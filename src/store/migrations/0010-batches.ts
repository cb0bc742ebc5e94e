import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * Bulk outage mode (issue 16): a batch is a file of rows that an approver runs; each row becomes
 * an ordinary request (`batch_rows.request_id`). A row's outcome is read from its request, so it
 * never has to be kept in step with it. The same file (by SHA-256) is the same batch.
 *
 * The batch's own tracker issue lives beside the requests' issues: the built-in tracker's
 * `request_id` no longer has to name a request (a batch's issue is keyed `batch:ID`).
 * PostgreSQL drops the foreign key in place; SQLite rebuilds the table from its stored
 * definition without it (nothing references tracker_issues, so no other key is touched).
 */
export function batchesSchema(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('batches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('file_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('audit_actor', 'text', (c) => c.notNull())
        .addColumn('skip_invalid', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('job_round', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('tracker_issue_number', 'integer')
        .addColumn('tracker_issue_url', 'text')
        .addColumn('notice_posted_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('batches_created')
        .on('batches')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema
        .createTable('batch_rows')
        .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id'))
        .addColumn('row_number', 'integer', (c) => c.notNull())
        .addColumn('submission', 'text')
        .addColumn('customer_email', 'text', (c) => c.notNull())
        .addColumn('user_count', 'integer', (c) => c.notNull())
        .addColumn('errors', 'text')
        .addColumn('request_id', 'text', (c) => c.references('requests.id'))
        .addColumn('same_as_row', 'integer')
        .addPrimaryKeyConstraint('batch_rows_pk', ['batch_id', 'row_number'])
        .execute();
      await db.schema
        .createIndex('batch_rows_request')
        .on('batch_rows')
        .columns(['request_id'])
        .execute();

      if (dialect === 'postgres') {
        await sql`alter table tracker_issues drop constraint if exists tracker_issues_request_id_fkey`.execute(
          db,
        );
        return;
      }
      await db.transaction().execute(async (trx) => {
        const table = await sql<{ sql: string }>`
          select sql from sqlite_master where type = 'table' and name = 'tracker_issues'`.execute(
          trx,
        );
        const indexes = await sql<{ sql: string }>`
          select sql from sqlite_master
          where type = 'index' and tbl_name = 'tracker_issues' and sql is not null`.execute(trx);
        const definition = table.rows[0]?.sql ?? '';
        const unbound = definition
          .replace(/\s+references\s+"?requests"?\s*\(\s*"?id"?\s*\)/i, '')
          .replace(/^create table\s+"?tracker_issues"?/i, 'create table "tracker_issues_rebuilt"');
        if (unbound === definition || !unbound.includes('tracker_issues_rebuilt')) {
          throw new Error(
            'the tracker_issues table does not have the shape this migration expects',
          );
        }
        await sql.raw(unbound).execute(trx);
        await sql`insert into tracker_issues_rebuilt select * from tracker_issues`.execute(trx);
        await sql`drop table tracker_issues`.execute(trx);
        await sql`alter table tracker_issues_rebuilt rename to tracker_issues`.execute(trx);
        for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
      });
    },
  };
}
