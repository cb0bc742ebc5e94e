import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Access that can be taken away, and a record that cannot be rewritten unnoticed (issue 12):
 * - tokens get an owner (the person they act as), an optional expiry and a unique name; existing
 *   empty or duplicate names are made unique (the older token keeps the name);
 * - console users can be disabled, and carry a session version bumped by every change of
 *   password or role, which ends the sessions opened before;
 * - console sessions are bound to the credential that opened them (the old ones are dropped:
 *   they named no credential, so nobody could tell what to check them against);
 * - the hash-chained audit log and its head row, which serialises appends;
 * - failed sign-ins per account and per address, counted where every process sees them.
 */
export function accessAndAuditSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('api_tokens')
        .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.alterTable('api_tokens').addColumn('expires_at', 'bigint').execute();
      await sql`update api_tokens set name = 'token-' || substr(id, 1, 8) where trim(name) = ''`.execute(
        db,
      );
      await sql`update api_tokens set name = name || ' (' || substr(id, 1, 8) || ')'
        where exists (select 1 from api_tokens as older where older.name = api_tokens.name
          and (older.created_at < api_tokens.created_at
            or (older.created_at = api_tokens.created_at and older.id < api_tokens.id)))`.execute(
        db,
      );
      await sql`update api_tokens set owner = name`.execute(db);
      await db.schema
        .createIndex('api_tokens_name')
        .on('api_tokens')
        .column('name')
        .unique()
        .execute();

      await db.schema.alterTable('console_users').addColumn('disabled_at', 'bigint').execute();
      await db.schema
        .alterTable('console_users')
        .addColumn('session_version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('console_users')
        .addColumn('source', 'text', (c) => c.notNull().defaultTo('local'))
        .execute();

      await db.schema.dropTable('console_sessions').execute();
      await db.schema
        .createTable('console_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('public_id', 'text', (c) => c.notNull().unique())
        .addColumn('person', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('credential_kind', 'text', (c) => c.notNull())
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('credential_version', 'integer', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('console_sessions_credential')
        .on('console_sessions')
        .columns(['credential_kind', 'credential_id'])
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('request_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      for (const column of ['actor', 'action', 'request_id', 'at']) {
        await db.schema
          .createIndex(`audit_log_${column}`)
          .on('audit_log')
          .columns([column, 'seq'])
          .execute();
      }
      // One row: the last entry's number and hash. Every append updates it first, which takes
      // its row lock on PostgreSQL (SQLite runs one write transaction at a time anyway), so two
      // appends never build on the same entry and the chain never forks.
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sign_in_failures')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .execute();
      await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sign_in_failures').ifExists().execute();
      await db.schema.dropTable('audit_head').ifExists().execute();
      await db.schema.dropTable('audit_log').ifExists().execute();
    },
  };
}
