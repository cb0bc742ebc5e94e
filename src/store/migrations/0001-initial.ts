import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/** The whole first schema: requests and everything that hangs off them, the job table, access. */
export function initialSchema(dialect: StoreDialect): Migration {
  // An auto-numbered key is spelled differently on the two databases.
  const serial = (db: Kysely<unknown>, table: string, column: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn(column, 'serial', (c) => c.primaryKey())
      : db.schema
          .createTable(table)
          .addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('ticket_id', 'text', (c) => c.notNull())
        .addColumn('ticket_url', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('customer_email', 'text', (c) => c.notNull())
        .addColumn('user_count', 'integer', (c) => c.notNull())
        .addColumn('evidence_kind', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('idempotency_key', 'text', (c) => c.unique())
        .addColumn('body_fingerprint', 'text', (c) => c.notNull())
        .addColumn('first_response', 'text')
        .addColumn('customer_domain', 'text')
        .addColumn('customer_company', 'text')
        .addColumn('subscription_id', 'text')
        .addColumn('created_on', 'text', (c) => c.notNull())
        .addColumn('failed_step', 'text')
        .addColumn('failure_message', 'text')
        .addColumn('failure_next_action', 'text')
        .addColumn('tracker_issue_number', 'integer')
        .addColumn('tracker_issue_url', 'text')
        .addColumn('tracker_issue_title', 'text')
        .addColumn('tracker_issue_state', 'text')
        .addColumn('tracker_synced_revision', 'integer')
        .addColumn('tracker_lock_until', 'bigint')
        .execute();
      await db.schema
        .createIndex('requests_created_at')
        .on('requests')
        .columns(['created_at'])
        .execute();
      await db.schema
        .createIndex('requests_customer_email')
        .on('requests')
        .columns(['customer_email'])
        .execute();
      await db.schema
        .createIndex('requests_ticket_id')
        .on('requests')
        .columns(['ticket_id'])
        .execute();
      await db.schema
        .createIndex('requests_customer_domain')
        .on('requests')
        .columns(['customer_domain'])
        .execute();
      await db.schema
        .createIndex('requests_customer_company')
        .on('requests')
        .columns(['customer_company'])
        .execute();
      await db.schema
        .createIndex('requests_subscription_id')
        .on('requests')
        .columns(['subscription_id'])
        .execute();
      await db.schema
        .createIndex('requests_state')
        .on('requests')
        .columns(['state', 'created_at'])
        .execute();

      await db.schema
        .createTable('decisions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().unique().references('requests.id'))
        .addColumn('eligible', 'integer', (c) => c.notNull())
        .addColumn('policy_version', 'text', (c) => c.notNull())
        .addColumn('decided_on', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('licenses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().unique().references('requests.id'))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('trial', 'integer', (c) => c.notNull())
        .addColumn('user_count', 'integer', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('key_fingerprint', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('destination', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('remote_reply', 'text')
        .addColumn('receipt', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('deliveries_request')
        .on('deliveries')
        .columns(['request_id'])
        .execute();

      await serial(db, 'timeline_events', 'id')
        .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('data', 'text')
        .execute();
      await db.schema
        .createIndex('timeline_events_request')
        .on('timeline_events')
        .columns(['request_id', 'id'])
        .execute();

      await serial(db, 'tracker_issues', 'number')
        .addColumn('request_id', 'text', (c) => c.notNull().unique().references('requests.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('tracker_issues_state')
        .on('tracker_issues')
        .columns(['state', 'number'])
        .execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
        .addColumn('delivery_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('unique_key', 'text', (c) => c.unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The claim scans pending jobs by run_at and running jobs by lease expiry.
      await db.schema
        .createIndex('jobs_claimable')
        .on('jobs')
        .columns(['state', 'run_at'])
        .execute();
      await db.schema.createIndex('jobs_request').on('jobs').columns(['request_id']).execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();

      await db.schema
        .createTable('console_users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('console_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'rate_limits',
        'console_sessions',
        'console_users',
        'api_tokens',
        'jobs',
        'tracker_issues',
        'timeline_events',
        'deliveries',
        'licenses',
        'decisions',
        'requests',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
