/**
 * A batch survives its worker: the service is killed (SIGKILL) while rows are being turned
 * into requests, restarted on the same database, and the batch finishes with exactly one
 * license per row, one batch tracker issue, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
import { eventually, testSigningKeyFile } from '../support/service.js';

const rows = 300;

for (const database of testDatabases) {
  describe(`a batch across a crash (${database.name})`, { timeout: 240_000 }, () => {
    it('resumes after a kill -9 with one license per row', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-batch-crash-'));
      const made = await database.create({ migrated: true });
      const databaseUrl = made.url ?? `sqlite:${join(dataDir, 'lifeline.db')}`;
      const store = openStore(databaseUrl);
      const env = {
        LIFELINE_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        LIFELINE_PORT: '0',
        LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
        LIFELINE_JOB_LEASE_MS: '800',
        LIFELINE_JOB_POLL_MS: '50',
        LIFELINE_RETRY_BASE_MS: '50',
        LIFELINE_RATE_LIMIT_PER_MINUTE: '100000',
      };
      try {
        await migrateToLatest(store);
        const { token } = await createApiToken(
          store.db,
          { name: 'crash-approver', role: 'approver' },
          Date.now(),
        );
        const expiredOn = addDays(systemClock.today(), -16);
        const lines = [
          'ticket_id,ticket_url,customer_email,user_count,plan,expired_on,licensed_users,maximum_users',
        ];
        for (let n = 1; n <= rows; n += 1)
          lines.push(
            `${n},https://support.example.com/agent/tickets/${n},admin@crash${n}-batch.example,100,premium,${expiredOn},100,100`,
          );
        const body = JSON.stringify({
          format: 'csv',
          content: `${lines.join('\n')}\n`,
          fileName: 'crash.csv',
          reason: 'billing migration failed',
        });
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

        const doomed = spawnLifeline(['serve'], env);
        const started = await fetch(`${await doomed.url}/api/v1/batches`, {
          method: 'POST',
          headers,
          body,
        });
        assert.equal(started.status, 202, await started.clone().text());
        const { id } = (await started.json()) as { id: string };
        // Killed once some rows are requests and others are not yet.
        await eventually(
          async () => {
            const submitted = await store.db
              .selectFrom('batch_rows')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('batch_id', '=', id)
              .where('request_id', 'is not', null)
              .executeTakeFirstOrThrow();
            return Number(submitted.n) >= 20 ? true : undefined;
          },
          60_000,
          'rows to be submitted',
        );
        doomed.child.kill('SIGKILL');
        await doomed.exited;
        const unsubmitted = await store.db
          .selectFrom('batch_rows')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('batch_id', '=', id)
          .where('request_id', 'is', null)
          .executeTakeFirstOrThrow();
        assert.ok(Number(unsubmitted.n) > 0, 'the kill came before the last row');

        const revived = spawnLifeline(['serve'], env);
        const url = await revived.url;
        try {
          // Running the same file again is the same batch.
          const again = await fetch(`${url}/api/v1/batches`, { method: 'POST', headers, body });
          assert.equal(((await again.json()) as { id: string }).id, id);
          const finished = await eventually(
            async () => {
              const answer = await fetch(`${url}/api/v1/batches/${id}`, { headers });
              const view = (await answer.json()) as {
                state: string;
                counts: { issued: number };
              };
              return view.state === 'finished' ? view : undefined;
            },
            180_000,
            'the batch to finish after the restart',
          );
          assert.equal(finished.counts.issued, rows);
        } finally {
          await revived.kill('SIGTERM');
        }
        const licenses = await store.db
          .selectFrom('licenses')
          .innerJoin('batch_rows', 'batch_rows.request_id', 'licenses.request_id')
          .select(['batch_rows.row_number'])
          .where('batch_rows.batch_id', '=', id)
          .execute();
        assert.equal(licenses.length, rows);
        assert.equal(new Set(licenses.map((l) => l.row_number)).size, rows);
        const requests = await store.db
          .selectFrom('requests')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('origin', '=', 'batch')
          .executeTakeFirstOrThrow();
        assert.equal(Number(requests.n), rows);
        const issues = await store.db
          .selectFrom('tracker_issues')
          .select('number')
          .where('request_id', '=', `batch:${id}`)
          .execute();
        assert.equal(issues.length, 1);
      } finally {
        await store.close();
        await made.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
