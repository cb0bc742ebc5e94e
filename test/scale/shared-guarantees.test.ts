/**
 * What one process enforces in its memory would be enforced once per process: the repeat rule,
 * idempotency and the rate limit are enforced in PostgreSQL, so two API processes answer as one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../src/access/api-tokens.js';
import { createPostgresDatabase } from '../support/databases.js';
import { customerRequest, startCluster, type Cluster } from './cluster.js';

const adminUrl = process.env.LIFELINE_TEST_DATABASE_URL;
const limitPerMinute = 30;

if (adminUrl) {
  describe('guarantees shared by two API processes on one PostgreSQL', () => {
    let database: { url: string; drop(): Promise<void> };
    let cluster: Cluster;

    before(async () => {
      database = await createPostgresDatabase(adminUrl);
      cluster = await startCluster({
        databaseUrl: database.url,
        apis: 2,
        workers: 0,
        env: { LIFELINE_RATE_LIMIT_PER_MINUTE: String(limitPerMinute) },
      });
    });
    after(async () => {
      await cluster?.stop();
      await database?.drop();
    });

    it('accepts one emergency for a customer submitted from several instances at once', async () => {
      const customer = `repeat-${Date.now().toString(36)}`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => {
          const body = customerRequest(customer);
          // Different engineers, tickets and contacts at the same company.
          body.ticket.id = `${customer}-${i}`;
          body.customerEmail = `person${i}@${customer}.example`;
          return cluster.submit(i, body, `${customer}-key-${i}`);
        }),
      );
      // One goes straight through; every other waits for a second person as a repeat (issue 13).
      const accepted = answers.filter(
        (a) => a.status === 202 && a.body.state !== 'awaiting_approval',
      );
      const held = answers.filter((a) => a.status === 202 && a.body.state === 'awaiting_approval');
      assert.equal(accepted.length, 1, JSON.stringify(answers.map((a) => a.body.state)));
      assert.equal(held.length, 9);
      for (const { body } of held) {
        const failing = (body.decision.rules as Array<{ passed: boolean; code: string }>)
          .filter((rule) => !rule.passed)
          .map((rule) => rule.code);
        assert.deepEqual(failing, ['REPEAT']);
      }
      const stored = await cluster.store.db
        .selectFrom('requests')
        .select(['id', 'state'])
        .where('customer_domain', '=', `${customer}.example`)
        .execute();
      const issuing = stored.filter(
        (r) => r.state !== 'rejected' && r.state !== 'awaiting_approval',
      );
      assert.equal(issuing.length, 1);
      assert.equal(issuing[0]?.id, accepted[0]?.body.id);
    });

    it('makes one request of one Idempotency-Key sent to several instances at once', async () => {
      const customer = `keyed-${Date.now().toString(36)}`;
      const body = customerRequest(customer);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => cluster.submit(i, body, `${customer}-key`)),
      );
      assert.ok(answers.every((a) => a.status === 202));
      assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
      const stored = await cluster.store.db
        .selectFrom('requests')
        .select('id')
        .where('ticket_id', '=', customer)
        .execute();
      assert.equal(stored.length, 1);

      const other = { ...body, userCount: body.userCount + 1 };
      const reused = await cluster.submit(1, other, `${customer}-key`);
      assert.equal(reused.status, 409, 'the key is refused for a different body, anywhere');
    });

    it('counts one rate limit across all service processes', async () => {
      // The limit is per calendar minute: start early in one, so the burst stays inside it.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
      const { token } = await createApiToken(
        cluster.store.db,
        { name: 'burst', role: 'engineer' },
        Date.now(),
      );
      const statuses = await Promise.all(
        Array.from({ length: 2 * limitPerMinute }, async (_, i) => {
          const response = await fetch(`${cluster.urls[i % 2]}/api/v1/requests?limit=1`, {
            headers: { authorization: `Bearer ${token}` },
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      assert.equal(statuses.filter((s) => s === 200).length, limitPerMinute);
      assert.equal(statuses.filter((s) => s === 429).length, limitPerMinute);
    });
  });
}
