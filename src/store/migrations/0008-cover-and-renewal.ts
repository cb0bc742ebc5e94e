import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * After the weekend (issue 15): a delivered request carries its cover until the customer's real
 * renewal replaces the temporary license.
 * - requests get the cover's state (pending | renewed | lapsed | extended), the day the current
 *   temporary license ends, the recorded renewal (JSON) and how many extensions were made;
 * - licenses get a lineage index: the first license of a request is 0, an extension 1, … The
 *   one-license-per-request guarantee becomes one license per (request, lineage index), so an
 *   extension is the only way to a second license, and it too can be stored only once;
 * - the built-in tracker keeps comments, one per (issue, key), so a comment added twice after a
 *   crash is one comment.
 */
export function coverAndRenewalSchema(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('requests').addColumn('cover_state', 'text').execute();
      await db.schema.alterTable('requests').addColumn('cover_ends_on', 'text').execute();
      await db.schema.alterTable('requests').addColumn('renewal', 'text').execute();
      await db.schema
        .alterTable('requests')
        .addColumn('extensions', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('requests_cover')
        .on('requests')
        .columns(['cover_state', 'cover_ends_on'])
        .execute();

      if (dialect === 'postgres') {
        await db.schema
          .alterTable('licenses')
          .addColumn('lineage_index', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await sql`alter table licenses drop constraint if exists licenses_request_id_key`.execute(
          db,
        );
      } else {
        // SQLite cannot drop a column's UNIQUE constraint: the table is rebuilt (nothing
        // references it, so foreign keys stay intact).
        await sql`create table licenses_lineage (
          id text primary key,
          request_id text not null references requests(id),
          lineage_index integer not null default 0,
          text text not null,
          fingerprint text not null,
          plan text not null,
          trial integer not null,
          user_count integer not null,
          issued_at text not null,
          expires_at text not null,
          key_fingerprint text not null,
          created_at bigint not null
        )`.execute(db);
        await sql`insert into licenses_lineage (id, request_id, lineage_index, text, fingerprint,
          plan, trial, user_count, issued_at, expires_at, key_fingerprint, created_at)
          select id, request_id, 0, text, fingerprint, plan, trial, user_count, issued_at,
          expires_at, key_fingerprint, created_at from licenses`.execute(db);
        await sql`drop table licenses`.execute(db);
        await sql`alter table licenses_lineage rename to licenses`.execute(db);
      }
      await db.schema
        .createIndex('licenses_request_lineage')
        .on('licenses')
        .columns(['request_id', 'lineage_index'])
        .unique()
        .execute();

      await db.schema
        .createTable('tracker_issue_comments')
        .addColumn('issue_number', 'integer', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('tracker_issue_comments_pk', ['issue_number', 'key'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('tracker_issue_comments').ifExists().execute();
      await db.schema.dropIndex('requests_cover').ifExists().execute();
    },
  };
}
