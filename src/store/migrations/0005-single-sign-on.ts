import type { Kysely, Migration } from 'kysely';

/**
 * Single sign-on for the console (issue 12):
 * - a console user signed in through the identity provider is the one with that issuer and
 *   subject (the provider's stable id for the person), whatever their name says;
 * - the sign-ins under way: the state sent to the provider, the nonce the ID token must carry,
 *   the PKCE verifier, and the browser the flow started in. Each is used once and lives minutes.
 */
export function singleSignOnSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('console_users').addColumn('oidc_issuer', 'text').execute();
      await db.schema.alterTable('console_users').addColumn('oidc_subject', 'text').execute();
      await db.schema
        .createIndex('console_users_oidc_identity')
        .on('console_users')
        .columns(['oidc_issuer', 'oidc_subject'])
        .unique()
        .execute();
      await db.schema
        .createTable('oidc_sign_ins')
        .addColumn('state_hash', 'text', (c) => c.primaryKey())
        .addColumn('browser_hash', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('oidc_sign_ins').ifExists().execute();
      await db.schema.dropIndex('console_users_oidc_identity').ifExists().execute();
      await db.schema.alterTable('console_users').dropColumn('oidc_subject').execute();
      await db.schema.alterTable('console_users').dropColumn('oidc_issuer').execute();
    },
  };
}
