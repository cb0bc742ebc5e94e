/**
 * The batch commands the routes call, at their own seam (no HTTP), on each database: each
 * refuses with a Refusal carrying its code and a sentence, and a command that starts work wakes
 * the worker itself.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BatchStateConflict } from '../../src/batches/batch-records.js';
import {
  checkBatch,
  readBatch,
  resumeBatch,
  startBatch,
  stopBatch,
  type BatchCommandContext,
} from '../../src/batches/commands.js';
import { clockOnDay } from '../../src/clock.js';
import { WakeSignal } from '../../src/jobs/wake-signal.js';
import { calendarDate } from '../../src/license/index.js';
import { Refusal, refusalCodes } from '../../src/refusal.js';
import { testDatabases } from '../support/databases.js';
import { fixtureDay } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';
import { batchCsv } from './batch-support.js';

class CountingWake extends WakeSignal {
  count = 0;
  override notify(): void {
    this.count += 1;
    super.notify();
  }
}

const caller = {
  name: 'seam approver',
  audit: { actor: 'seam approver', role: 'approver', address: 'local' },
};

async function refusedWith(work: Promise<unknown>, code: string, sentence: RegExp) {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof Refusal, `not a refusal: ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.status, refusalCodes[error.code].status);
    assert.match(error.message, sentence);
    return true;
  });
}

for (const database of testDatabases) {
  describe(`batch commands (${database.name})`, () => {
    let lifeline: TestService;
    const wake = new CountingWake();
    const clock = clockOnDay(calendarDate(fixtureDay));
    const ctx = (): BatchCommandContext => ({
      store: lifeline.service.store,
      clock,
      preview: { clock, policy: lifeline.service.config.policy, evidenceKeys: [] },
      wake,
    });
    before(async () => {
      // No worker: the batch stays where the commands put it.
      lifeline = await startTestService(
        {},
        { database, clock, roles: { api: true, worker: false } },
      );
    });
    after(() => lifeline.stop());

    it('refuses an unreadable file, a run without a reason, and invalid rows not skipped', async () => {
      await refusedWith(
        checkBatch(ctx(), { format: 'csv', content: 'ticket_id\n1\n' }, caller),
        'VALIDATION_FAILED',
        /^The batch file cannot be read: row 1, column ticket_url: /,
      );
      const content = batchCsv(1, 'seam.example', [
        '7600,https://support.example.com/agent/tickets/7600,a@seam.example,ten,premium,2026-11-12,100,100,,,bad',
      ]);
      const file = { format: 'csv' as const, content, fileName: 'seam.csv', skipInvalid: false };
      await refusedWith(startBatch(ctx(), file, caller), 'VALIDATION_FAILED', /with a reason/);
      await refusedWith(
        startBatch(ctx(), { ...file, reason: 'seam outage' }, caller),
        'BATCH_HAS_INVALID_ROWS',
        /^1 of 2 rows are invalid/,
      );
    });

    it('starts, stops and resumes, waking the worker, and refuses a change that does not apply', async () => {
      const woken = wake.count;
      const started = await startBatch(
        ctx(),
        {
          format: 'csv',
          content: batchCsv(2, 'seam-run.example'),
          fileName: 'seam-run.csv',
          reason: 'seam outage',
          skipInvalid: false,
        },
        caller,
      );
      assert.equal(started.state, 'queued');
      assert.equal(wake.count, woken + 1);
      assert.equal((await stopBatch(ctx(), started.id, caller)).state, 'stopped');
      await assert.rejects(stopBatch(ctx(), started.id, caller), BatchStateConflict);
      await refusedWith(
        stopBatch(ctx(), started.id, caller),
        'CONFLICT',
        /only a batch on its way/,
      );
      assert.equal((await resumeBatch(ctx(), started.id, caller)).state, 'running');
      assert.equal(wake.count, woken + 2);
      await refusedWith(resumeBatch(ctx(), started.id, caller), 'CONFLICT', /only a stopped batch/);
      const unknown = randomUUID();
      await refusedWith(
        readBatch(ctx(), unknown),
        'NOT_FOUND',
        new RegExp(`^No batch ${unknown}\\.$`),
      );
      await refusedWith(stopBatch(ctx(), unknown, caller), 'NOT_FOUND', /^No batch /);
    });
  });
}
