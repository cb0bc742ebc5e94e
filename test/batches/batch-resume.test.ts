/**
 * A batch stopped before any worker took it, then resumed, on each database: it runs, counts its
 * rows per second from its first chunk (it never passed through `queued` again), names an
 * invalid row's column once, and each of its requests points back at its batch and row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clockOnDay } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { calendarDate } from '../../src/license/index.js';
import { createLogger } from '../../src/service/logger.js';
import { startService, type RunningService } from '../../src/service/start.js';
import { testDatabases } from '../support/databases.js';
import { fixtureDay, screenshotBody } from '../support/requests.js';
import { startTestService, testSigningKeyFile, type TestService } from '../support/service.js';
import { batchCsv, batchFinished } from './batch-support.js';

const clock = clockOnDay(calendarDate(fixtureDay));

for (const database of testDatabases) {
  describe(`a batch resumed before it started (${database.name})`, { timeout: 120_000 }, () => {
    let lifeline: TestService;
    let worker: RunningService | undefined;
    before(async () => {
      // No worker at first: the batch is still queued when the approver stops it.
      lifeline = await startTestService(
        { LIFELINE_RATE_LIMIT_PER_MINUTE: '100000' },
        { database, clock, roles: { api: true, worker: false } },
      );
    });
    after(async () => {
      await worker?.stop(2_000);
      await lifeline.stop();
    });

    /** A worker process's worth of service on the same database and clock. */
    function startWorker(): Promise<RunningService> {
      const config = loadConfig({
        LIFELINE_DATA_DIR: lifeline.dataDir,
        DATABASE_URL: lifeline.service.config.databaseUrl,
        LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
        LIFELINE_JOB_POLL_MS: '50',
        LIFELINE_RETRY_BASE_MS: '50',
        LIFELINE_RETRY_MAX_MS: '500',
        LIFELINE_LOG_LEVEL: 'silent',
        LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '100000',
        LIFELINE_APPROVAL_DAILY_CAP_DESK: '100000',
        LIFELINE_AUDIT_HEAD_SCHEDULE: 'off',
        LIFELINE_HANDOFF_SCHEDULE: 'off',
      });
      return startService(config, {
        roles: { api: false, worker: true },
        logger: createLogger('silent'),
        clock,
      });
    }

    it('runs, measures its rows per second, and links each request to its row', async () => {
      const content = batchCsv(4, 'resume.example', [
        // Row 2 again: row 2's request, so row 2 is the request's row.
        '7001,https://support.example.com/agent/tickets/7001,admin@c1-resume.example,100,premium,2026-11-12,100,100,,,outage row 1',
        '7400,https://support.example.com/agent/tickets/7400,ops@bad-resume.example,ten,premium,2026-11-12,100,100,,,bad count',
      ]);
      const started = await lifeline.api('/api/v1/batches', {
        token: lifeline.tokens.approver,
        body: {
          format: 'csv',
          content,
          fileName: 'resume.csv',
          reason: 'month-end outage',
          skipInvalid: true,
        },
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      assert.equal(started.body.state, 'queued');
      const id = started.body.id as string;
      const stopped = await lifeline.api(`/api/v1/batches/${id}/stop`, {
        token: lifeline.tokens.approver,
        body: {},
      });
      assert.equal(stopped.body.state, 'stopped');
      const resumed = await lifeline.api(`/api/v1/batches/${id}/resume`, {
        token: lifeline.tokens.approver,
        body: {},
      });
      assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
      assert.equal(resumed.body.state, 'running');

      worker = await startWorker();
      const finished = await batchFinished(lifeline, id, { what: 'the resumed batch to finish' });
      assert.equal(finished.counts.issued, 5);
      assert.ok(finished.rowsPerSecond > 0, `rowsPerSecond ${finished.rowsPerSecond}`);
      const row = await lifeline.service.store.db
        .selectFrom('batches')
        .select('started_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.notEqual(row.started_at, null);

      const invalid = await lifeline.api(`/api/v1/batches/${id}/rows?outcome=invalid`);
      assert.deepEqual(
        invalid.body.rows.map((r: { row: number; message: string }) => [r.row, r.message]),
        [[7, 'user_count must be a number, not "ten"']],
      );

      const issued = await lifeline.api(`/api/v1/batches/${id}/rows?outcome=issued`);
      const byRow = new Map<number, string>(
        issued.body.rows.map((r: { row: number; requestId: string }) => [r.row, r.requestId]),
      );
      assert.equal(byRow.get(6), byRow.get(2), 'the repeated row is row 2’s request');
      const third = await lifeline.api(`/api/v1/requests/${byRow.get(3)}`);
      assert.equal(third.status, 200);
      assert.equal(third.body.origin, 'batch');
      assert.deepEqual(third.body.batch, { id, row: 3 });
      const repeated = await lifeline.api(`/api/v1/requests/${byRow.get(6)}`);
      assert.deepEqual(repeated.body.batch, { id, row: 2 });

      const lone = await lifeline.api('/api/v1/requests', {
        body: screenshotBody({}, { customerEmail: 'ops@single-resume.example' }),
      });
      assert.equal(lone.status, 202, JSON.stringify(lone.body));
      const view = await lifeline.api(`/api/v1/requests/${lone.body.id}`);
      assert.equal('batch' in view.body, false, 'a request no batch made has no batch');
    });
  });
}
