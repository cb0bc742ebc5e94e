import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { clockOnDay } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';
import { customerKeys, defaultPolicySettings } from '../../src/policy/index.js';
import {
  findEarlierEmergencies,
  findEarlierRequestsIncludingRejected,
} from '../../src/requests/earlier-emergencies.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { allMigrations } from '../../src/store/migrations/index.js';
import { testDatabases } from '../support/databases.js';
import { expiredTrialLicense, fixtureDay, screenshotBody } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';

const today = calendarDate(fixtureDay);

for (const database of testDatabases) {
  describe(`the repeat rule across addresses of one customer (${database.name})`, () => {
    let lifeline: TestService;
    let drop: () => Promise<void> = () => Promise.resolve();

    before(async () => {
      const created = await database.create({ migrated: true });
      drop = () => created.drop();
      lifeline = await startTestService(created.url ? { DATABASE_URL: created.url } : {}, {
        clock: clockOnDay(today),
        roles: { api: true, worker: false },
      });
    });
    after(async () => {
      await lifeline.stop();
      await drop();
    });

    const submit = (customerEmail: string) =>
      lifeline.api('/api/v1/requests', { body: screenshotBody({}, { customerEmail }) });

    /** The requests already made for one customer: a held repeat counts as history too. */
    const earlierIds: string[] = [];
    async function assertRepeatOf(firstId: string, customerEmail: string) {
      const answer = await submit(customerEmail);
      // A repeat is not issued on one person's word: it waits for a second person (issue 13).
      assert.equal(answer.status, 202);
      assert.equal(
        answer.body.state,
        'awaiting_approval',
        `${customerEmail} should be held as a repeat`,
      );
      const repeat = answer.body.decision.rules.find((r: { rule: string }) => r.rule === 'repeat');
      assert.equal(repeat.code, 'REPEAT', repeat.message);
      if (!earlierIds.includes(firstId)) earlierIds.splice(0, earlierIds.length, firstId);
      assert.ok(
        earlierIds.includes(repeat.relatedRequestId),
        `${customerEmail}: ${repeat.relatedRequestId} is not an earlier request of this customer`,
      );
      earlierIds.push(answer.body.id);
      assert.deepEqual(
        answer.body.decision.guardrails.map((held: { code: string }) => held.code),
        ['REPEAT_NEEDS_APPROVAL'],
      );
    }

    it('catches a subdomain of the same registrable domain', async () => {
      const first = await submit('admin@acme.example');
      assert.equal(first.status, 202);
      await assertRepeatOf(first.body.id, 'admin@eu.acme.example');
    });

    it('keeps two co.uk companies apart, and finds a shop subdomain of one', async () => {
      const x = await submit('a@x.co.uk');
      assert.equal(x.status, 202);
      const y = await submit('b@y.co.uk');
      assert.equal(y.status, 202, 'y.co.uk is another customer than x.co.uk');
      await assertRepeatOf(x.body.id, 'a@shop.x.co.uk');
    });

    it('catches plus-addresses, dots and googlemail at Gmail, and lets another mailbox in', async () => {
      const first = await submit('bob@gmail.com');
      assert.equal(first.status, 202);
      for (const email of ['bob+1@gmail.com', 'b.o.b@gmail.com', 'bob@googlemail.com']) {
        await assertRepeatOf(first.body.id, email);
      }
      const alice = await submit('alice@gmail.com');
      assert.equal(alice.status, 202, 'gmail.com is not one customer');
    });

    it('lets an unrelated domain in', async () => {
      const answer = await submit('ops@unrelated.example');
      assert.equal(answer.status, 202);
    });

    it('lists the same customer’s requests for the sidebar as the rule matches them', async () => {
      const page = await lifeline.api(
        `/api/v1/requests?customer=${encodeURIComponent('B.O.B+x@googlemail.com')}`,
      );
      assert.equal(page.status, 200);
      const emails = page.body.items.map((item: { customerEmail: string }) => item.customerEmail);
      assert.deepEqual(
        [...emails].sort(),
        ['b.o.b@gmail.com', 'bob+1@gmail.com', 'bob@gmail.com', 'bob@googlemail.com'],
        'the first request and the three refused repeats, not alice@gmail.com',
      );
      const company = await lifeline.api('/api/v1/requests?customer=someone@eu.acme.example');
      assert.deepEqual(
        company.body.items.map((item: { customerEmail: string }) => item.customerEmail).sort(),
        ['admin@acme.example', 'admin@eu.acme.example'],
      );
    });

    it('remembers rejected requests as history, and leaves them out of repeats', async () => {
      const prospect = await lifeline.api('/api/v1/requests', {
        body: screenshotBody(
          {},
          {
            customerEmail: 'it@prospect.example',
            evidence: { licenseFile: expiredTrialLicense, maximumUsers: 100 },
            userCount: 100,
          },
        ),
      });
      assert.equal(prospect.status, 422);
      const keys = customerKeys('admin@www.prospect.example', undefined, defaultPolicySettings);
      const { db } = lifeline.service.store;
      const history = await findEarlierRequestsIncludingRejected(db, keys, today, 30);
      assert.deepEqual(
        history.map((found) => [found.requestId, found.state, found.licenseIssued]),
        [[prospect.body.id, 'rejected', false]],
      );
      assert.deepEqual(await findEarlierEmergencies(db, keys, today, 30), []);
    });
  });

  describe(`migration 0007 fills in the customer keys of existing requests (${database.name})`, () => {
    it('gives old rows their registrable domain and mailbox, so the lookup finds them', async () => {
      const created = await database.create();
      const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-0007-'));
      const store = openStore(created.url ?? `sqlite:${join(dataDir, 'lifeline.db')}`);
      try {
        const migrations = allMigrations(store.dialect);
        const migrator = new Migrator({
          db: store.db,
          provider: { getMigrations: () => Promise.resolve(migrations) },
          migrationTableName: 'lifeline_migrations',
          migrationLockTableName: 'lifeline_migrations_lock',
        });
        const before = await migrator.migrateTo('0003-access-and-audit');
        assert.equal(before.error, undefined);
        const rows = [
          ['00000000-0000-4000-8000-000000000001', 'admin@eu.acme.example', 'eu.acme.example'],
          ['00000000-0000-4000-8000-000000000002', 'B.o.b+1@googlemail.com', null],
        ] as const;
        for (const [id, email, domain] of rows) {
          await sql`insert into requests (id, created_at, updated_at, state, revision, ticket_id,
              ticket_url, requested_by, channel, customer_email, user_count, evidence_kind,
              body_fingerprint, customer_domain, created_on)
            values (${id}, 1, 1, 'succeeded', 1, '1', 'https://support.example/1', 'x', 'api',
              ${email}, 10, 'screenshots', ${id}, ${domain}, ${fixtureDay})`.execute(store.db);
        }
        await migrateToLatest(store);
        const filled = await store.db
          .selectFrom('requests')
          .select(['id', 'customer_domain', 'customer_mailbox'])
          .orderBy('id')
          .execute();
        assert.deepEqual(
          filled.map((row) => [row.customer_domain, row.customer_mailbox]),
          [
            ['acme.example', 'admin@eu.acme.example'],
            ['googlemail.com', 'bob@gmail.com'],
          ],
        );
        const settings = defaultPolicySettings;
        const company = await findEarlierEmergencies(
          store.db,
          customerKeys('admin@acme.example', undefined, settings),
          today,
          30,
        );
        assert.deepEqual(
          company.map((found) => found.requestId),
          [rows[0][0]],
        );
        const mailbox = await findEarlierEmergencies(
          store.db,
          customerKeys('bob@gmail.com', undefined, settings),
          today,
          30,
        );
        assert.deepEqual(
          mailbox.map((found) => found.requestId),
          [rows[1][0]],
        );
      } finally {
        await store.close();
        await created.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
