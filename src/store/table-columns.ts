import type { DeliveryTable, LicenseTable, RequestTable } from './schema.js';

/**
 * Every column of the tables whose whole rows the hot reads load, named one by one instead of
 * `select *`: on PostgreSQL such a read can run as a prepared statement (prepared-statements.ts),
 * and its result keeps its columns when a newer version's migration adds one. The type refuses
 * a list that leaves out a column of the table's interface, so a column added to schema.ts must
 * be added here too.
 */
function everyColumnOf<Table>() {
  return <const Columns extends ReadonlyArray<keyof Table & string>>(
    columns: Exclude<keyof Table, Columns[number]> extends never ? Columns : never,
  ): Columns => columns;
}

export const requestColumns = everyColumnOf<RequestTable>()([
  'id',
  'created_at',
  'updated_at',
  'state',
  'revision',
  'ticket_id',
  'ticket_url',
  'requested_by',
  'origin',
  'customer_email',
  'user_count',
  'evidence_kind',
  'note',
  'idempotency_key',
  'body_fingerprint',
  'first_response',
  'customer_domain',
  'customer_mailbox',
  'customer_company',
  'subscription_id',
  'created_on',
  'failed_step',
  'failure_message',
  'failure_next_action',
  'tracker_issue_number',
  'tracker_issue_url',
  'tracker_issue_title',
  'tracker_issue_state',
  'tracker_synced_revision',
  'tracker_lock_until',
  'cover_state',
  'cover_ends_on',
  'renewal',
  'extensions',
]);

export const licenseColumns = everyColumnOf<LicenseTable>()([
  'id',
  'request_id',
  'lineage_index',
  'text',
  'fingerprint',
  'plan',
  'trial',
  'user_count',
  'issued_at',
  'expires_at',
  'key_fingerprint',
  'created_at',
]);

export const deliveryColumns = everyColumnOf<DeliveryTable>()([
  'id',
  'request_id',
  'medium',
  'purpose',
  'destination',
  'state',
  'attempts',
  'last_error',
  'remote_reply',
  'receipt',
  'created_at',
  'updated_at',
]);
