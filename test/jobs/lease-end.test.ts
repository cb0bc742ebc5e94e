/**
 * A lease's exact end, on both databases: a job whose lease ends at T still belongs to its
 * worker at T − 1 ms, and is another worker's to take at T.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { claimJobs, reclaimExpiredLeases } from '../../src/jobs/sql/claim-jobs.js';
import { testDatabases } from '../support/databases.js';
import { addJobs, openJobDatabase, type JobDatabase } from './job-store.js';

const leaseMs = 30_000;

for (const database of testDatabases) {
  describe(`the end of a lease (${database.name})`, () => {
    let jobs: JobDatabase;
    before(async () => {
      jobs = await openJobDatabase(database);
    });
    after(() => jobs.close());

    it('is not taken over at T − 1 ms, and is at T', async () => {
      const { store } = jobs;
      const now = 5_000_000;
      await addJobs(store, 1, { runAt: now, now });
      const [held] = await claimJobs(store.db, store.dialect, {
        workerId: 'w1',
        limit: 1,
        leaseMs,
        now,
      });
      const end = now + leaseMs;
      assert.equal(held?.lockedUntil, end);
      assert.equal(await reclaimExpiredLeases(store.db, end - 1), 0, 'still w1 at T − 1 ms');
      assert.equal(await reclaimExpiredLeases(store.db, end), 1, 'taken back at T');
      const [taken] = await claimJobs(store.db, store.dialect, {
        workerId: 'w2',
        limit: 1,
        leaseMs,
        now: end,
      });
      assert.equal(taken?.id, held?.id);
      assert.equal(taken?.lockedBy, 'w2');
    });
  });
}
