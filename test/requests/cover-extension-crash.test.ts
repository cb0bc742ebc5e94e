/**
 * An extension is signed by a worker: a `kill -9` between signing and storing, or just after
 * storing, and a restart still make exactly one extension license, emailed once (on SQLite and
 * PostgreSQL).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApiToken } from '../../src/access/api-tokens.js';
import { systemClock } from '../../src/clock.js';
import { addDays } from '../../src/license/index.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { testDatabases } from '../support/databases.js';
import { spawnLifeline } from '../support/process.js';
import { screenshotBody } from '../support/requests.js';
import { eventually, testSigningKeyFile } from '../support/service.js';

const crashPoints = ['extend_license:before_store', 'extend_license:after_store'];

for (const database of testDatabases) {
  describe(`extension after a crash (${database.name})`, { timeout: 120_000 }, () => {
    for (const point of crashPoints) {
      it(`makes one extension license after a kill at ${point}`, async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-extension-crash-'));
        const created = await database.create({ migrated: true });
        const databaseUrl = created.url ?? `sqlite:${join(dataDir, 'lifeline.db')}`;
        const env = {
          LIFELINE_DATA_DIR: dataDir,
          DATABASE_URL: databaseUrl,
          LIFELINE_PORT: '0',
          LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
          LIFELINE_JOB_LEASE_MS: '800',
          LIFELINE_JOB_POLL_MS: '50',
          LIFELINE_RETRY_BASE_MS: '50',
        };
        const store = openStore(databaseUrl);
        try {
          await migrateToLatest(store);
          const now = Date.now();
          const engineer = (
            await createApiToken(store.db, { name: 'crash-engineer', role: 'engineer' }, now)
          ).token;
          const approver = (
            await createApiToken(store.db, { name: 'crash-approver', role: 'approver' }, now)
          ).token;
          const call = async (url: string, path: string, token: string, body?: unknown) => {
            const response = await fetch(`${url}${path}`, {
              method: body === undefined ? 'GET' : 'POST',
              headers: {
                authorization: `Bearer ${token}`,
                ...(body !== undefined && { 'content-type': 'application/json' }),
              },
              ...(body !== undefined && { body: JSON.stringify(body) }),
            });
            return { status: response.status, body: await response.json() };
          };

          const doomed = spawnLifeline(['serve'], { ...env, LIFELINE_CRASH_AT: point });
          const url = await doomed.url;
          const domain = `${point.replace(/[^a-z]/g, '')}.example`;
          const asked = await call(
            url,
            '/api/v1/requests',
            engineer,
            screenshotBody(
              { expiredOn: addDays(systemClock.today(), -16) },
              { customerEmail: `admin@${domain}`, userCount: 200 },
            ),
          );
          assert.equal(asked.status, 202, JSON.stringify(asked.body));
          const id: string = asked.body.id;
          await eventually(
            async () =>
              (await call(url, `/api/v1/requests/${id}`, engineer)).body.renewal?.state ===
              'pending'
                ? true
                : undefined,
            30_000,
            'the request to be delivered',
          );
          const extension = await call(url, `/api/v1/requests/${id}/extension`, approver, {
            reason: 'Renewal PO stuck in procurement',
          });
          assert.equal(extension.status, 202, JSON.stringify(extension.body));
          const death = await doomed.exited;
          assert.equal(death.signal, 'SIGKILL', `should have died at ${point}: ${doomed.stderr()}`);

          const revived = spawnLifeline(['serve'], env);
          try {
            const revivedUrl = await revived.url;
            const detail = await eventually(
              async () => {
                const { body } = await call(revivedUrl, `/api/v1/requests/${id}`, engineer);
                const email = body.deliveries.find(
                  (d: { purpose: string }) => d.purpose === 'extension',
                );
                return body.renewal.extension?.state === 'made' && email?.state === 'delivered'
                  ? body
                  : undefined;
              },
              60_000,
              'the extension to be made and emailed after the restart',
            );
            assert.equal(detail.renewal.state, 'extended');
            assert.deepEqual(
              detail.licenses.map((l: { lineageIndex: number }) => l.lineageIndex),
              [0, 1],
            );
          } finally {
            await revived.kill('SIGTERM');
          }
          const licenses = await store.db
            .selectFrom('licenses')
            .select('fingerprint')
            .where('request_id', '=', id)
            .execute();
          assert.equal(licenses.length, 2, 'the first license and one extension');
          const sent = await store.db
            .selectFrom('timeline_events')
            .select('data')
            .where('request_id', '=', id)
            .where('kind', '=', 'license.signed')
            .execute();
          const kept = sent.filter((e) => (JSON.parse(e.data ?? '{}') as { kept?: boolean }).kept);
          assert.equal(kept.length, 2, 'two signatures kept: the first license, the extension');
          const emails = readdirSync(join(dataDir, 'outbox')).filter(
            (name) => name.includes(id) && name.includes('license-L1'),
          );
          assert.equal(emails.length, 1, 'the extension emailed once');
        } finally {
          await store.close();
          await created.drop();
          rmSync(dataDir, { recursive: true, force: true });
        }
      });
    }
  });
}
