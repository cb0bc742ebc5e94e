/**
 * On PostgreSQL the queries compiled once run as prepared statements, named and parsed once per
 * connection: not a `select *` (its result columns could change under a newer version's
 * migration), not any query of another kind, and none at all with DATABASE_PREPARED_STATEMENTS
 * off. A prepared statement with its columns named keeps working when a column is added.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/config-error.js';
import { compiledOnce } from '../../src/store/compiled-once.js';
import { openStore, type Store } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { testDatabases } from '../support/databases.js';
import { addRequest, openJobDatabase, type JobDatabase } from '../jobs/job-store.js';

const stateOf = compiledOnce((db, id: string) =>
  db.selectFrom('requests').select(['id', 'state']).where('id', '=', id),
);
const everythingOf = compiledOnce((db, id: string) =>
  db.selectFrom('requests').selectAll().where('id', '=', id),
);

/** The statements this session has prepared, with their text. */
async function prepared(
  trx: Kysely<Database>,
): Promise<Array<{ name: string; statement: string }>> {
  const { rows } = await sql<{ name: string; statement: string }>`
    select name, statement from pg_prepared_statements where name like 'lifeline_%'`.execute(trx);
  return rows;
}

const postgres = testDatabases.find((database) => database.name === 'postgres');

if (postgres) {
  describe('prepared statements on PostgreSQL', () => {
    let jobs: JobDatabase;
    let store: Store;
    before(async () => {
      jobs = await openJobDatabase(postgres);
      store = jobs.store;
    });
    after(() => jobs.close());

    it('prepares a query compiled once on its first run in a connection, and reuses it', async () => {
      const id = await addRequest(store);
      // One transaction is one connection: what it prepared is in its session's list.
      const [before, during, again] = await store.db.transaction().execute(async (trx) => {
        const first = await prepared(trx);
        assert.deepEqual((await stateOf(trx, id)).rows, [{ id, state: 'queued' }]);
        const second = await prepared(trx);
        assert.deepEqual((await stateOf(trx, 'no-such-request')).rows, []);
        return [first, second, await prepared(trx)];
      });
      const ours = (list: typeof before) =>
        list.filter((statement) => statement.statement.includes('"state" from "requests"'));
      assert.equal(ours(before).length, 0, JSON.stringify(before));
      assert.equal(ours(during).length, 1, JSON.stringify(during));
      assert.deepEqual(ours(again), ours(during), 'the second run reuses the statement');
    });

    it('leaves a select * unprepared, and every query that is not compiled once', async () => {
      const id = await addRequest(store);
      const list = await store.db.transaction().execute(async (trx) => {
        assert.equal((await everythingOf(trx, id)).rows[0]?.id, id);
        await trx.selectFrom('requests').select('ticket_id').where('id', '=', id).execute();
        return prepared(trx);
      });
      assert.ok(
        list.every(
          (statement) =>
            !/select \*/i.test(statement.statement) && !statement.statement.includes('"ticket_id"'),
        ),
        JSON.stringify(list),
      );
    });

    it('keeps a prepared query working after a column is added to its table', async () => {
      const id = await addRequest(store);
      const other = openStore(jobs.url, { max: 1 });
      try {
        // Prepared in other's only connection, then the table changes under it.
        assert.equal((await stateOf(other.db, id)).rows.length, 1);
        await sql`alter table requests add column prepared_statements_probe text`.execute(store.db);
        assert.deepEqual((await stateOf(other.db, id)).rows, [{ id, state: 'queued' }]);
      } finally {
        await sql`alter table requests drop column prepared_statements_probe`.execute(store.db);
        await other.close();
      }
    });

    it('prepares nothing with DATABASE_PREPARED_STATEMENTS=off', async () => {
      const id = await addRequest(store);
      const unprepared = openStore(jobs.url, { max: 1, preparedStatements: false });
      try {
        const list = await unprepared.db.transaction().execute(async (trx) => {
          assert.equal((await stateOf(trx, id)).rows.length, 1);
          return prepared(trx);
        });
        assert.deepEqual(list, []);
      } finally {
        await unprepared.close();
      }
    });
  });
}

describe('DATABASE_PREPARED_STATEMENTS', () => {
  it('is on unless set off, and refuses anything else with the words it takes', () => {
    assert.equal(loadConfig({}).values.DATABASE_PREPARED_STATEMENTS, true);
    assert.equal(
      loadConfig({ DATABASE_PREPARED_STATEMENTS: 'off' }).values.DATABASE_PREPARED_STATEMENTS,
      false,
    );
    assert.throws(
      () => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'yes' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes('DATABASE_PREPARED_STATEMENTS must be on or off'),
    );
  });
});
