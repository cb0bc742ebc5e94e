/**
 * The scheduler on both databases, two processes' worth of schedulers and workers (separate
 * connections) on a clock that jumps: every occurrence runs exactly once however they race, and
 * after a stop across scheduled times the latest missed occurrence runs once at the restart.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FailureClassifier, JobHandler } from '../../src/jobs/job-handler.js';
import type { JobKind } from '../../src/jobs/job.js';
import { stepKinds } from '../../src/jobs/step-limits.js';
import { WakeSignal } from '../../src/jobs/wake-signal.js';
import { Worker } from '../../src/jobs/worker.js';
import { scheduleChecks } from '../../src/schedule/schedule-checks.js';
import { lastRun } from '../../src/schedule/schedule-runs.js';
import { defineSchedule } from '../../src/schedule/schedule.js';
import { runSchedule } from '../../src/schedule/run-schedule-step.js';
import { Scheduler, type ScheduledTask } from '../../src/schedule/scheduler.js';
import type { Store } from '../../src/store/database.js';
import { testDatabases } from '../support/databases.js';
import { stillClock, type StillClock } from '../support/still-clock.js';
import { openJobDatabase, waitFor, type JobDatabase } from '../jobs/job-store.js';

const classify: FailureClassifier = (error) => ({
  message: error instanceof Error ? error.message : String(error),
  permanent: false,
});

const noRequestWork: JobHandler = {
  run: () => Promise.reject(new Error('no request jobs in this test')),
};

const DAY = 86_400_000;

for (const database of testDatabases) {
  describe(`the scheduler (${database.name})`, () => {
    let jobs: JobDatabase;
    let clock: StillClock;
    let runs: string[];
    let tasks: ScheduledTask[];
    const workers: Worker[] = [];
    const schedulers: Scheduler[] = [];

    beforeEach(async () => {
      jobs = await openJobDatabase(database);
      clock = stillClock('2026-12-01T05:00:00Z');
      runs = [];
      tasks = [
        {
          schedule: defineSchedule('audit-head', '0 6 * * *', 'UTC'),
          work: async (occurrence) => {
            // Long enough that a second worker would overlap if it could claim the same job.
            await new Promise((resolve) => setImmediate(resolve));
            runs.push(`${occurrence.schedule}@${new Date(occurrence.at).toISOString()}`);
          },
        },
      ];
    });

    afterEach(async () => {
      for (const scheduler of schedulers.splice(0)) scheduler.stop();
      await Promise.all(workers.splice(0).map((worker) => worker.stop(1_000)));
      await jobs.close();
    });

    /** One process: its own connection, scheduler and worker. */
    const startProcess = (store: Store) => {
      const wake = new WakeSignal();
      const handlers = Object.fromEntries(stepKinds.map((kind) => [kind, noRequestWork])) as Record<
        JobKind,
        JobHandler
      >;
      handlers.run_schedule = runSchedule.handler({ scheduledTasks: tasks });
      const worker = new Worker({
        store,
        handlers,
        classify,
        wake,
        now: () => clock.now(),
        settings: {
          concurrency: 4,
          leaseMs: 5_000,
          pollMs: 20,
          backoff: { baseMs: 20, maxMs: 100 },
        },
      });
      worker.start();
      workers.push(worker);
      const scheduler = new Scheduler(store, tasks, clock, { onEnqueued: () => wake.notify() });
      schedulers.push(scheduler);
      return { worker, scheduler };
    };

    const settled = (store: Store) =>
      waitFor(async () => {
        const open = await store.db
          .selectFrom('jobs')
          .select('id')
          .where('state', 'in', ['pending', 'running'])
          .execute();
        return open.length === 0;
      }, 'the scheduled jobs to finish');

    it('runs each occurrence exactly once when two processes race for it', async () => {
      const first = startProcess(jobs.store);
      const second = startProcess(jobs.open());
      await Promise.all([first.scheduler.tick(), second.scheduler.tick()]);
      await settled(jobs.store);
      // 05:00 on 1 December: the latest occurrence is the day before's.
      assert.deepEqual(runs, ['audit-head@2026-11-30T06:00:00.000Z']);

      for (let day = 0; day < 4; day++) {
        clock.advance(DAY);
        // Both race several times per jump: every tick enqueues, only one job exists.
        await Promise.all([
          first.scheduler.tick(),
          second.scheduler.tick(),
          first.scheduler.tick(),
          second.scheduler.tick(),
        ]);
        await settled(jobs.store);
      }
      assert.deepEqual(runs, [
        'audit-head@2026-11-30T06:00:00.000Z',
        'audit-head@2026-12-01T06:00:00.000Z',
        'audit-head@2026-12-02T06:00:00.000Z',
        'audit-head@2026-12-03T06:00:00.000Z',
        'audit-head@2026-12-04T06:00:00.000Z',
      ]);
      const count = await jobs.store.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', 'run_schedule')
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 5);
      const last = await lastRun(jobs.store.db, 'audit-head');
      assert.equal(last?.state, 'succeeded');
      assert.equal(new Date(last?.occurrence ?? 0).toISOString(), '2026-12-04T06:00:00.000Z');
      // What doctor shows.
      const [head, handoff] = await scheduleChecks(
        jobs.store.db,
        { auditHead: tasks[0]!.schedule },
        clock.now(),
      );
      assert.deepEqual(head, {
        name: 'schedule audit-head',
        ok: true,
        detail: '"0 6 * * *" (UTC): next 2026-12-05T06:00Z; last 2026-12-04T06:00Z succeeded',
      });
      assert.equal(handoff?.detail, 'off (LIFELINE_HANDOFF_SCHEDULE=off)');
    });

    it('catches up once after a restart across scheduled times: the latest missed occurrence', async () => {
      const before = startProcess(jobs.store);
      before.scheduler.start();
      await waitFor(() => Promise.resolve(runs.length === 1), 'the first occurrence');
      await settled(jobs.store);
      before.scheduler.stop();
      await before.worker.stop(1_000);
      workers.splice(workers.indexOf(before.worker), 1);

      // Down from 05:00 on 1 December until 09:00 on the 4th: four occurrences pass unseen.
      clock.set('2026-12-04T09:00:00Z');
      const after = startProcess(jobs.open());
      after.scheduler.start();
      await waitFor(() => Promise.resolve(runs.length === 2), 'the catch-up occurrence');
      await settled(jobs.store);
      await after.scheduler.tick();
      await settled(jobs.store);
      assert.deepEqual(runs, [
        'audit-head@2026-11-30T06:00:00.000Z',
        'audit-head@2026-12-04T06:00:00.000Z',
      ]);
      assert.equal(
        new Date(after.scheduler.nextDue() ?? 0).toISOString(),
        '2026-12-05T06:00:00.000Z',
      );
    });

    it('retries an occurrence whose work failed, and runs it only once it succeeds', async () => {
      let crashes = 1;
      tasks[0] = {
        schedule: tasks[0]!.schedule,
        work: (occurrence) => {
          if (crashes-- > 0) return Promise.reject(new Error('the channel did not answer'));
          runs.push(new Date(occurrence.at).toISOString());
          return Promise.resolve();
        },
      };
      const one = startProcess(jobs.store);
      await one.scheduler.tick();
      await waitFor(
        async () => (await lastRun(jobs.store.db, 'audit-head'))?.lastError !== null,
        'the failed attempt',
      );
      assert.deepEqual(runs, []);
      clock.advance(1_000); // past the backoff
      await one.scheduler.tick();
      await waitFor(() => Promise.resolve(runs.length === 1), 'the retried occurrence');
      await settled(jobs.store);
      const last = await lastRun(jobs.store.db, 'audit-head');
      assert.equal(last?.attempts, 2);
      assert.deepEqual(runs, ['2026-11-30T06:00:00.000Z']);
    });
  });
}
