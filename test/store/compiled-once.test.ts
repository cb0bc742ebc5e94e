/**
 * A query compiled once runs with each call's own values, in or out of a transaction, on both
 * databases; a query whose shape would depend on its values is refused at its first compile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compiledOnce, insertRow } from '../../src/store/compiled-once.js';
import type { Store } from '../../src/store/database.js';
import { testDatabases } from '../support/databases.js';
import { addRequest, openJobDatabase, type JobDatabase } from '../jobs/job-store.js';

const stateOf = compiledOnce((db, id: string) =>
  db.selectFrom('requests').select(['id', 'state']).where('id', '=', id),
);
const moveTo = compiledOnce((db, state: string, revision: number, id: string) =>
  db
    .updateTable('requests')
    .set((eb) => ({ state, revision: eb('revision', '+', revision) }))
    .where('id', '=', id)
    .where('state', '=', 'queued'),
);

for (const database of testDatabases) {
  describe(`a query compiled once (${database.name})`, () => {
    let jobs: JobDatabase;
    let store: Store;
    before(async () => {
      jobs = await openJobDatabase(database);
      store = jobs.store;
    });
    after(() => jobs.close());

    it('reads and writes with each call’s values, its constants kept', async () => {
      const first = await addRequest(store);
      const second = await addRequest(store);
      assert.deepEqual((await stateOf(store.db, first)).rows, [{ id: first, state: 'queued' }]);
      assert.deepEqual((await stateOf(store.db, second)).rows, [{ id: second, state: 'queued' }]);
      assert.deepEqual((await stateOf(store.db, 'no-such-request')).rows, []);

      const moved = await store.db
        .transaction()
        .execute(async (trx) => (await moveTo(trx, 'issuing', 2, second)).numAffectedRows);
      assert.equal(moved, 1n);
      // The constant 'queued' stayed a constant: the moved request no longer matches.
      assert.equal((await moveTo(store.db, 'failed', 1, second)).numAffectedRows, 0n);
      const [row] = await store.db
        .selectFrom('requests')
        .select(['state', 'revision'])
        .where('id', '=', second)
        .execute();
      assert.deepEqual(row, { state: 'issuing', revision: 3 });
      assert.deepEqual((await stateOf(store.db, first)).rows, [{ id: first, state: 'queued' }]);
    });

    it('inserts rows of any set of columns, each set compiled once, undefined ones left out', async () => {
      const requestId = await addRequest(store);
      const event = (message: string, actor?: string) => ({
        request_id: requestId,
        at: 1,
        kind: 'request.accepted',
        message,
        actor,
        data: null,
      });
      await insertRow(store.db, 'timeline_events', event('first', 'ada'));
      await insertRow(store.db, 'timeline_events', event('second'));
      await store.db
        .transaction()
        .execute((trx) => insertRow(trx, 'timeline_events', event('third', 'grace')));
      const rows = await store.db
        .selectFrom('timeline_events')
        .select(['message', 'actor'])
        .where('request_id', '=', requestId)
        .orderBy('id')
        .execute();
      assert.deepEqual(rows, [
        { message: 'first', actor: 'ada' },
        { message: 'second', actor: null },
        { message: 'third', actor: 'grace' },
      ]);
    });

    it('refuses a query that does not use each value exactly once', async () => {
      const twice = compiledOnce((db, id: string) =>
        db.selectFrom('requests').select('id').where('id', '=', id).where('ticket_id', '=', id),
      );
      const never = compiledOnce((db, _id: string) => db.selectFrom('requests').select('id'));
      await assert.rejects(() => twice(store.db, 'x'), /value 0 must appear once/);
      await assert.rejects(() => never(store.db, 'x'), /value 0 must appear once/);
    });
  });
}
