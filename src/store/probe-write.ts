import type { Store } from './database.js';

/**
 * One small committed write, in a row of its own (the rate-limit table's, under a key no caller
 * has): whether the database takes writes at all, for `/readyz` and `lifeline doctor`.
 */
export async function probeWrite(store: Store, now: number): Promise<void> {
  await store.db
    .insertInto('rate_limits')
    .values({ key: 'lifeline:readiness-probe', window_start: now, count: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet({ window_start: now }))
    .execute();
}
