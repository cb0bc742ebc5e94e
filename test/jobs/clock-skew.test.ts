/**
 * One clock for ownership: a worker whose clock runs five minutes fast, on PostgreSQL, does not
 * take over the live lease of a healthy worker (it used to, and customers got their email
 * twice), because leases are judged by the database's clock. A lease that really lapsed is
 * still taken over. On SQLite the process clock is the only one (the offset is zero).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Clock } from '../../src/clock.js';
import type { JobHandler } from '../../src/jobs/job-handler.js';
import type { JobKind } from '../../src/jobs/job.js';
import { claimJobs, reclaimExpiredLeases } from '../../src/jobs/sql/claim-jobs.js';
import { WakeSignal } from '../../src/jobs/wake-signal.js';
import { Worker, type WorkerEvent } from '../../src/jobs/worker.js';
import { DatabaseClock, clockSkewSentence } from '../../src/store/database-clock.js';
import type { Store } from '../../src/store/database.js';
import { testDatabases } from '../support/databases.js';
import { startTestService } from '../support/service.js';
import { addJobs, jobRows, openJobDatabase, waitFor, type JobDatabase } from './job-store.js';

const fiveMinutes = 5 * 60_000;
const kinds: JobKind[] = [
  'generate_license',
  'send_email',
  'sync_tracker_issue',
  'post_notice',
  'note_ticket',
];
const fastClock: Clock = {
  now: () => Date.now() + fiveMinutes,
  today: () => new Date().toISOString().slice(0, 10) as ReturnType<Clock['today']>,
  moment: () => new Date(Date.now() + fiveMinutes),
};
const trueClock: Clock = { ...fastClock, now: () => Date.now() };

for (const database of testDatabases) {
  describe(`the clock that leases are judged by (${database.name})`, () => {
    let jobs: JobDatabase;
    let store: Store;
    const workers: Worker[] = [];
    before(async () => {
      jobs = await openJobDatabase(database);
      store = jobs.store;
    });
    after(async () => {
      await Promise.all(workers.map((worker) => worker.stop(0)));
      await jobs.close();
    });

    if (database.name === 'sqlite') {
      it('is the process clock on SQLite: no offset, said so', async () => {
        const clock = new DatabaseClock(fastClock, store);
        assert.equal(await clock.sync(), 0);
        assert.equal(clock.source, 'process');
      });
      return;
    }

    it('measures a fast clock as five minutes ahead and corrects it', async () => {
      const clock = new DatabaseClock(fastClock, store);
      const offset = await clock.sync();
      assert.ok(Math.abs(offset + fiveMinutes) < 1_000, `offset ${offset}`);
      assert.ok(Math.abs(clock.now() - Date.now()) < 1_000);
      assert.match(clockSkewSentence(offset, 30_000), /300\.\d s ahead of the database's/);
    });

    it('keeps a healthy worker’s live lease from a worker whose clock is five minutes fast', async () => {
      const leaseMs = 1_000;
      const runs = new Map<string, string[]>();
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      const start = (name: string, clock: DatabaseClock, on: Store, block: boolean) => {
        const events: WorkerEvent[] = [];
        const handler: JobHandler = {
          async run(job) {
            runs.set(job.id, [...(runs.get(job.id) ?? []), name]);
            if (block) await held;
          },
        };
        const worker = new Worker({
          store: on,
          handlers: Object.fromEntries(kinds.map((kind) => [kind, handler])) as Record<
            JobKind,
            JobHandler
          >,
          classify: (error) => ({ message: String(error), permanent: false }),
          wake: new WakeSignal(),
          settings: {
            concurrency: block ? 1 : 2,
            leaseMs,
            pollMs: 20,
            backoff: { baseMs: 10, maxMs: 100 },
          },
          now: () => clock.now(),
          onEvent: (event) => events.push(event),
        });
        workers.push(worker);
        worker.start();
        return { worker, events };
      };

      const healthyClock = new DatabaseClock(trueClock, store);
      await healthyClock.sync();
      const [held1] = await addJobs(store, 1);
      const healthy = start('healthy', healthyClock, store, true);
      await waitFor(
        async () => (await jobRows(store))[0]?.state === 'running',
        'the healthy claim',
      );

      const skewedStore = jobs.open();
      const skewedClock = new DatabaseClock(fastClock, skewedStore);
      await skewedClock.sync();
      // What the skewed worker decides, by the clock it now uses: the lease is live.
      assert.equal(await reclaimExpiredLeases(skewedStore.db, skewedClock.now()), 0);
      const skewed = start('skewed', skewedClock, skewedStore, false);
      // Work of its own, so it has swept and claimed several times over.
      await addJobs(store, 3, { now: Date.now() });
      await waitFor(
        async () => (await jobRows(store)).filter((row) => row.state === 'succeeded').length === 3,
        'the other jobs',
      );
      // Several lease periods pass while the healthy worker renews its lease.
      const until = Date.now() + 3 * leaseMs;
      await waitFor(() => Promise.resolve(Date.now() > until), 'three lease periods');

      const heldRow = (await jobRows(store)).find((row) => row.unique_key === held1);
      assert.equal(heldRow?.state, 'running');
      assert.equal(heldRow?.locked_by, healthy.worker.id);
      assert.deepEqual(runs.get(heldRow?.id ?? ''), ['healthy'], 'ran once, on the healthy worker');
      assert.equal(skewed.events.filter((e) => e.type === 'worker:reclaimed').length, 0);
      release();
      await waitFor(
        async () => (await jobRows(store)).every((row) => row.state === 'succeeded'),
        'the held job to finish',
      );
      assert.ok(healthy.events.some((e) => e.type === 'job:success' && e.job.id === heldRow?.id));
      await Promise.all(workers.splice(0).map((worker) => worker.stop(0)));
    });

    it('says loudly at start that the clock is off', async () => {
      let logs = '';
      const lifeline = await startTestService(
        { LIFELINE_LOG_LEVEL: 'warn' },
        { database, clock: fastClock, logs: { write: (line) => void (logs += line) } },
      );
      await lifeline.stop();
      const line = logs.split('\n').find((entry) => entry.includes('ahead of the database'));
      assert.ok(line, logs);
      assert.equal(JSON.parse(line).level, 50);
      assert.match(line, /LIFELINE_MAX_CLOCK_SKEW_MS = 30000 ms/);
    });

    it('still takes over a lease that lapsed by the database’s clock', async () => {
      await store.db.deleteFrom('jobs').execute();
      await addJobs(store, 1, { runAt: Date.now() - 10_000 });
      const clock = new DatabaseClock(fastClock, store);
      await clock.sync();
      const [job] = await claimJobs(store.db, store.dialect, {
        workerId: 'dead-worker',
        limit: 1,
        leaseMs: 1_000,
        now: clock.now() - 5_000,
      });
      assert.ok(job);
      assert.equal(await reclaimExpiredLeases(store.db, clock.now()), 1);
    });
  });
}
