import { sql, type Kysely, type Migration } from 'kysely';
import { emailDomainOf, normaliseMailbox } from '../../policy/customer-keys.js';

/**
 * A repeat rule that holds (issue 13): requests carry the normalised mailbox
 * (`b.o.b+1@googlemail.com` → `bob@gmail.com`), indexed, and `customer_domain` becomes the
 * registrable domain of every address (`eu.acme.example` → `acme.example`), public providers
 * included: whether a domain is a public provider is the policy's setting, decided when
 * matching, not something frozen into the row. Existing rows are filled in from their email.
 */
export function customerMailboxSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('requests').addColumn('customer_mailbox', 'text').execute();
      await db.schema
        .createIndex('requests_customer_mailbox')
        .on('requests')
        .columns(['customer_mailbox'])
        .execute();
      await backfill(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('requests_customer_mailbox').ifExists().execute();
      await db.schema.alterTable('requests').dropColumn('customer_mailbox').execute();
    },
  };
}

/** Page by id so memory stays flat whatever the table's size. */
async function backfill(db: Kysely<unknown>): Promise<void> {
  let after = '';
  for (;;) {
    const rows = (
      await sql<{ id: string; customer_email: string }>`
        select id, customer_email from requests where id > ${after} order by id limit 500`.execute(
        db,
      )
    ).rows;
    for (const row of rows) {
      const domain = emailDomainOf(String(row.customer_email).trim().toLowerCase()) ?? null;
      const mailbox = normaliseMailbox(row.customer_email) ?? null;
      await sql`update requests set customer_domain = ${domain}, customer_mailbox = ${mailbox}
        where id = ${row.id}`.execute(db);
    }
    const last = rows.at(-1);
    if (last === undefined) return;
    after = last.id;
  }
}
