/**
 * Reads in one snapshot agree with each other: a change committed while they run is not seen
 * half-way (the request detail reads its row, deliveries and timeline this way).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { readSnapshot } from '../../src/store/read-snapshot.js';
import { testDatabases } from '../support/databases.js';
import { addRequest, openJobDatabase, type JobDatabase } from '../jobs/job-store.js';

for (const database of testDatabases) {
  describe(`reads in one snapshot (${database.name})`, () => {
    let jobs: JobDatabase;
    let store: Store;
    before(async () => {
      jobs = await openJobDatabase(database);
      store = jobs.store;
    });
    after(() => jobs.close());

    const stateOf = async (db: Store['db'], id: string) =>
      (await db.selectFrom('requests').select('state').where('id', '=', id).executeTakeFirst())
        ?.state;

    it('does not see a change committed between its reads', async () => {
      const id = await addRequest(store);
      let write: Promise<unknown> | undefined;
      const seen = await readSnapshot(store.db, async (snapshot) => {
        const first = await stateOf(snapshot, id);
        write = store.db
          .updateTable('requests')
          .set({ state: 'issuing' })
          .where('id', '=', id)
          .execute();
        // PostgreSQL commits it on another connection now; SQLite's one connection takes it
        // once the snapshot ends.
        if (database.name === 'postgres') await write;
        return [first, await stateOf(snapshot, id)];
      });
      await write;
      assert.deepEqual(seen, ['queued', 'queued']);
      assert.equal(await stateOf(store.db, id), 'issuing');
    });
  });
}
