/**
 * Migrations in a deployment of several processes: `lifeline migrate` applies them explicitly,
 * a service started with LIFELINE_AUTO_MIGRATE=false refuses an unmigrated database, and every
 * command refuses a database migrated by a newer Lifeline instead of misreading it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../src/store/database.js';
import { testDatabases } from '../support/databases.js';
import { testSigningKeyFile } from '../support/service.js';
import { runLifeline } from './cluster.js';

for (const database of testDatabases) {
  describe(`lifeline migrate and the schema check at start (${database.name})`, () => {
    let env: Record<string, string>;
    let url: string;
    let cleanUp: () => Promise<void>;

    before(async () => {
      const created = await database.create();
      const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-schema-'));
      url = created.url ?? `sqlite:${join(dataDir, 'lifeline.db')}`;
      env = {
        DATABASE_URL: url,
        LIFELINE_DATA_DIR: dataDir,
        LIFELINE_PORT: '0',
        LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
        LIFELINE_AUTO_MIGRATE: 'false',
      };
      cleanUp = async () => {
        await created.drop();
        rmSync(dataDir, { recursive: true, force: true });
      };
    });
    after(() => cleanUp());

    it('refuses to serve an unmigrated database when auto-migration is off', async () => {
      const serve = await runLifeline(['serve'], env);
      assert.notEqual(serve.code, 0);
      assert.match(
        serve.stderr,
        /needs migrations 0001-initial, 0003-access-and-audit, 0006-scheduled-jobs: run "lifeline migrate" first/,
      );
    });

    it('applies the migrations with lifeline migrate, once', async () => {
      const first = await runLifeline(['migrate'], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(
        first.stderr,
        /Applied 0001-initial, 0003-access-and-audit, 0006-scheduled-jobs/,
      );
      const second = await runLifeline(['migrate'], env);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /is up to date/);
    });

    it('refuses a database migrated by a newer Lifeline, for serving and for migrating', async () => {
      const store = openStore(url);
      try {
        await sql`insert into lifeline_migrations (name, timestamp) values ('9999-from-the-future', '2099-01-01T00:00:00.000Z')`.execute(
          store.db,
        );
      } finally {
        await store.close();
      }
      for (const args of [['worker'], ['serve', '--no-worker'], ['migrate']]) {
        const refused = await runLifeline(args, { ...env, LIFELINE_AUTO_MIGRATE: 'true' });
        assert.notEqual(refused.code, 0, `${args.join(' ')} must refuse`);
        assert.match(
          refused.stderr,
          /migrated by a newer Lifeline \(migrations 9999-from-the-future\)/,
          args.join(' '),
        );
      }
    });
  });
}
