import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { calendarDate } from '../../src/license/index.js';
import { requestDetail } from '../../src/requests/request-view.js';
import { requestDetailAnswer } from '../../src/http/answer-schemas.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { allMigrations } from '../../src/store/migrations/index.js';
import { testDatabases } from '../support/databases.js';
import { fixtureDay } from '../support/requests.js';

const today = calendarDate(fixtureDay);
const requestId = '00000000-0000-4000-8000-000000000017';

for (const database of testDatabases) {
  describe(`migration 0017: origin and medium (${database.name})`, () => {
    it('keeps what each row said, under the new names, and answers the old key too', async () => {
      const created = await database.create();
      const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-0017-'));
      const store = openStore(created.url ?? `sqlite:${join(dataDir, 'lifeline.db')}`);
      try {
        const migrations = allMigrations(store.dialect);
        const names = Object.keys(migrations).sort();
        const before = names[names.indexOf('0017-origin-and-medium') - 1];
        assert.ok(before, 'a migration comes before 0017');
        const migrator = new Migrator({
          db: store.db,
          provider: { getMigrations: () => Promise.resolve(migrations) },
          migrationTableName: 'lifeline_migrations',
          migrationLockTableName: 'lifeline_migrations_lock',
        });
        assert.equal((await migrator.migrateTo(before)).error, undefined);
        await sql`insert into requests (id, created_at, updated_at, state, revision, ticket_id,
            ticket_url, requested_by, channel, customer_email, user_count, evidence_kind,
            body_fingerprint, customer_domain, created_on)
          values (${requestId}, 1, 1, 'succeeded', 1, '17', 'https://support.example/17', 'x',
            'zendesk', 'admin@acme.example', 10, 'screenshots', ${requestId}, 'acme.example',
            ${fixtureDay})`.execute(store.db);
        await sql`insert into deliveries (id, request_id, channel, purpose, destination, state,
            attempts, created_at, updated_at)
          values (${`${requestId}:tracker:sync`}, ${requestId}, 'tracker', 'sync', 'built-in',
            'delivered', 1, 1, 1)`.execute(store.db);

        await migrateToLatest(store);
        const request = await store.db
          .selectFrom('requests')
          .select(['origin'])
          .where('id', '=', requestId)
          .executeTakeFirstOrThrow();
        assert.equal(request.origin, 'zendesk');
        const delivery = await store.db
          .selectFrom('deliveries')
          .select(['medium', 'purpose'])
          .where('request_id', '=', requestId)
          .executeTakeFirstOrThrow();
        assert.deepEqual(delivery, { medium: 'tracker', purpose: 'sync' });

        // Other tools read `channel`: it stays in the answer, beside the new key, same value.
        const detail = await requestDetail(store.db, requestId, today);
        assert.ok(detail);
        requestDetailAnswer.parse(detail);
        assert.deepEqual(
          { origin: detail.origin, channel: detail.channel },
          { origin: 'zendesk', channel: 'zendesk' },
        );
        assert.deepEqual(
          detail.deliveries.map((d) => ({ medium: d.medium, channel: d.channel })),
          [{ medium: 'tracker', channel: 'tracker' }],
        );

        // And back: the down migration gives the old columns their values again.
        assert.equal((await migrator.migrateTo(before)).error, undefined);
        const old = await sql<Record<string, unknown>>`select channel from requests`.execute(
          store.db,
        );
        assert.deepEqual(old.rows.map(Object.values), [['zendesk']]);
      } finally {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
        await created.drop();
      }
    });
  });
}
