/**
 * Circuits shared through the database (src/jobs/sql/shared-circuits.ts), on both databases:
 * two processes' circuits (two connections) count one remote's unanswered attempts together,
 * open and close together, on a clock that stands still until the test moves it; and two
 * workers stop claiming a hung remote's steps after five attempts between them, not five each.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FailureClassifier, JobHandler } from '../../src/jobs/job-handler.js';
import type { JobKind } from '../../src/jobs/job.js';
import { SharedCircuits } from '../../src/jobs/sql/shared-circuits.js';
import { defaultStepConcurrency, stepKinds } from '../../src/jobs/step-limits.js';
import { WakeSignal } from '../../src/jobs/wake-signal.js';
import { Worker, type WorkerEvent } from '../../src/jobs/worker.js';
import { testDatabases } from '../support/databases.js';
import { stillClock } from '../support/still-clock.js';
import { addJobs, jobRows, openJobDatabase, waitFor, type JobDatabase } from './job-store.js';

const timeout = { message: 'no answer', permanent: false, code: 'SLACK_TIMEOUT' };
const refused = { message: 'channel_not_found', permanent: true, code: 'SLACK_CHANNEL' };

class NoAnswer extends Error {
  readonly code = 'SLACK_TIMEOUT';
}

const classify: FailureClassifier = (error) => ({
  message: error instanceof Error ? error.message : String(error),
  permanent: false,
  ...(error instanceof NoAnswer && { code: error.code }),
});

for (const database of testDatabases) {
  describe(`circuits shared by every worker (${database.name})`, () => {
    let jobs: JobDatabase;
    beforeEach(async () => {
      jobs = await openJobDatabase(database);
    });
    afterEach(async () => {
      await jobs.close();
    });

    it('opens for every process after five unanswered attempts between them, and closes for all', async () => {
      const clock = stillClock('2026-12-01T12:00:00Z');
      const one = new SharedCircuits(jobs.store, () => clock.now());
      const other = new SharedCircuits(jobs.open(), () => clock.now());

      for (let i = 0; i < 3; i++) assert.equal(await one.report('notice', timeout), undefined);
      assert.equal(await other.report('notice', refused), undefined, 'an answer resets the count');
      for (let i = 0; i < 3; i++) await one.report('notice', timeout);
      assert.equal(await other.report('notice', timeout), undefined);
      const opened = await other.report('notice', timeout);
      assert.equal(opened?.state, 'open', 'the fifth in a row, from either process');
      assert.equal(opened?.retryAt, clock.now() + 30_000);

      assert.ok(one.allows('notice'), 'until it reads what the other wrote');
      await one.refresh();
      assert.equal(one.allows('notice'), false);
      assert.equal(one.state('notice').consecutiveFailures, 5);
      assert.ok(one.allows('mail'), 'other remotes are not affected');
      // A process started later knows too.
      const later = new SharedCircuits(jobs.open(), () => clock.now());
      await later.refresh();
      assert.equal(later.state('notice').state, 'open');

      clock.advance(30_000);
      assert.equal(one.state('notice').state, 'half-open');
      const reopened = await one.report('notice', timeout);
      assert.equal(reopened?.retryAt, clock.now() + 60_000, 'the cooldown doubles, for all');
      await other.refresh();
      assert.equal(other.state('notice').retryAt, clock.now() + 60_000);

      clock.advance(60_000);
      assert.equal((await other.report('notice', 'success'))?.state, 'closed');
      await one.refresh();
      assert.ok(one.allows('notice'));
      assert.deepEqual(
        one.states().map((circuit) => [circuit.remote, circuit.state]),
        [['notice', 'closed']],
      );
    });

    it('keeps two workers from more than five attempts at a remote that does not answer', async () => {
      // Standing still, every retry is due later than now: each attempt is a different job.
      const clock = stillClock('2026-12-01T12:00:00Z');
      await addJobs(jobs.store, 12, { now: clock.now() });
      let attempts = 0;
      const hung: JobHandler = {
        run() {
          attempts += 1;
          return Promise.reject(new NoAnswer('Slack did not answer within 10 s'));
        },
      };
      const workers = [jobs.store, jobs.open()].map((store) => {
        const events: WorkerEvent[] = [];
        const circuits = new SharedCircuits(store, () => clock.now());
        const worker = new Worker({
          store,
          handlers: Object.fromEntries(stepKinds.map((kind) => [kind, hung])) as Record<
            JobKind,
            JobHandler
          >,
          classify,
          wake: new WakeSignal(),
          now: () => clock.now(),
          circuits,
          settings: {
            concurrency: 4,
            leaseMs: 60_000,
            pollMs: 20,
            backoff: { baseMs: 1_000, maxMs: 1_000 },
            perKind: { ...defaultStepConcurrency, post_notice: 1 },
          },
          onEvent: (event) => events.push(event),
        });
        worker.start();
        return { worker, circuits, events };
      });
      try {
        await waitFor(
          () => Promise.resolve(workers.every(({ circuits }) => !circuits.allows('notice'))),
          'both workers to see the circuit open',
        );
        // A claim already made when the circuit opened still runs: let the workers settle.
        await Promise.all(workers.map(({ worker }) => worker.stop()));
        // Each worker's own circuit would have let ten through (five each) before both backed off.
        assert.ok(attempts >= 5 && attempts <= 7, `${attempts} attempts`);
        const untouched = (await jobRows(jobs.store)).filter((row) => Number(row.attempts) === 0);
        assert.equal(untouched.length, 12 - attempts, 'the rest were never claimed');
        const opened = workers.flatMap(({ events }) =>
          events.filter((event) => event.type === 'circuit:changed'),
        );
        assert.equal(opened.length, 1, 'opened once, by one of them');
      } finally {
        await Promise.all(workers.map(({ worker }) => worker.stop()));
      }
    });
  });
}
