import type { Store } from '../store/database.js';

/**
 * Whether anyone can sign in yet: no live API token and no enabled console account means a
 * fresh install, and the start line tells the operator how to make the first credential.
 */
export async function anyoneCanSignIn(store: Store): Promise<boolean> {
  const token = await store.db
    .selectFrom('api_tokens')
    .select('id')
    .where('revoked_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  if (token) return true;
  const user = await store.db
    .selectFrom('console_users')
    .select('id')
    .where('disabled_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return user !== undefined;
}
