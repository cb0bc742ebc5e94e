/**
 * The worker on both databases, with real job handlers written for the test: retries with
 * backoff, permanent failures, leases kept by the heartbeat or taken over after a crash,
 * draining on stop, and several workers on separate connections sharing one table.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { RunLater, type FailureClassifier, type JobHandler } from '../../src/jobs/job-handler.js';
import type { Job, JobKind } from '../../src/jobs/job.js';
import { claimJobs } from '../../src/jobs/sql/claim-jobs.js';
import { completeJob } from '../../src/jobs/sql/settle-jobs.js';
import { WakeSignal, type ClaimedWithin } from '../../src/jobs/wake-signal.js';
import { enqueueJobs } from '../../src/jobs/sql/enqueue-jobs.js';
import { defaultStepConcurrency } from '../../src/jobs/step-limits.js';
import { Worker, type WorkerEvent, type WorkerSettings } from '../../src/jobs/worker.js';
import type { Store } from '../../src/store/database.js';
import { testDatabases } from '../support/databases.js';
import { addJobs, jobRows, openJobDatabase, waitFor, type JobDatabase } from './job-store.js';

class Refused extends Error {}

const classify: FailureClassifier = (error) => ({
  message: error instanceof Error ? error.message : String(error),
  permanent: error instanceof Refused,
});

const kinds: JobKind[] = [
  'generate_license',
  'send_email',
  'sync_tracker_issue',
  'post_notice',
  'note_ticket',
];

/** SQLite's own "database or disk is full", from a database that may not grow. */
function realDiskFullError(): Error {
  const sqlite = new SqliteDatabase(':memory:');
  try {
    sqlite.exec('create table t (x text)');
    sqlite.pragma(`max_page_count = ${Number(sqlite.pragma('page_count', { simple: true }))}`);
    for (;;) sqlite.prepare('insert into t values (?)').run('x'.repeat(4_000));
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  } finally {
    sqlite.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const everyKind = (handler: JobHandler) =>
  Object.fromEntries(kinds.map((kind) => [kind, handler])) as Record<JobKind, JobHandler>;

for (const database of testDatabases) {
  describe(`the worker (${database.name})`, () => {
    let jobs: JobDatabase;
    let store: Store;
    const running: Worker[] = [];

    const startWorker = (
      handler: JobHandler,
      options: { settings?: Partial<WorkerSettings>; on?: Store; wake?: WakeSignal } = {},
    ) => {
      const events: WorkerEvent[] = [];
      const wake = options.wake ?? new WakeSignal();
      const worker = new Worker({
        store: options.on ?? store,
        handlers: everyKind(handler),
        classify,
        wake,
        settings: {
          concurrency: 4,
          leaseMs: 2_000,
          pollMs: 30,
          backoff: { baseMs: 60, maxMs: 1_000 },
          ...options.settings,
        },
        onEvent: (event) => events.push(event),
      });
      worker.start();
      running.push(worker);
      return { worker, events, wake };
    };
    /**
     * A worker on the test's own clock, its poll a minute away: only what the worker knows (an
     * enqueue, a nudge, a time it remembers coming due on that clock) may make it claim.
     */
    const startOnClock = (
      handler: JobHandler,
      options: { on: Store; wake: WakeSignal; now: () => number },
    ) => {
      const worker = new Worker({
        store: options.on,
        handlers: everyKind(handler),
        classify,
        wake: options.wake,
        now: options.now,
        settings: {
          concurrency: 4,
          leaseMs: 60_000,
          pollMs: 60_000,
          backoff: { baseMs: 60, maxMs: 1_000 },
          perKind: { ...defaultStepConcurrency },
        },
      });
      worker.start();
      running.push(worker);
      return worker;
    };

    const allSettled = async (state = 'succeeded') =>
      (await jobRows(store)).every((row) => row.state === state);

    before(async () => {
      jobs = await openJobDatabase(database);
      store = jobs.store;
    });
    after(() => jobs.close());
    beforeEach(async () => {
      await store.db.deleteFrom('jobs').execute();
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map((worker) => worker.stop(0)));
    });

    it('runs every job exactly once across two workers on separate connections', async () => {
      await addJobs(store, 80);
      const runs = new Map<string, number>();
      const handler: JobHandler = {
        async run(job) {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          await sleep(5);
        },
      };
      const first = startWorker(handler);
      const second = startWorker(handler, { on: jobs.open() });
      const ran = (events: WorkerEvent[]) => events.filter((e) => e.type === 'job:success').length;
      await waitFor(() => allSettled(), 'all jobs to succeed');
      // A worker reports a success after its commit returns: the rows can settle first.
      await waitFor(
        () => Promise.resolve(ran(first.events) + ran(second.events) >= 80),
        'both workers to report every success',
      );
      assert.equal(runs.size, 80);
      assert.ok(
        [...runs.values()].every((count) => count === 1),
        'no job ran twice',
      );
      assert.equal(ran(first.events) + ran(second.events), 80);
      assert.ok(ran(first.events) > 0 && ran(second.events) > 0, 'both workers took jobs');
      assert.ok((await jobRows(store)).every((row) => row.attempts === 1));
    });

    it('retries a failing step with growing delays, then records its success', async () => {
      await addJobs(store, 1, { maxAttempts: 5 });
      const startedAt: number[] = [];
      const { events } = startWorker({
        run() {
          startedAt.push(Date.now());
          return startedAt.length < 3
            ? Promise.reject(new Error('450 mailbox busy'))
            : Promise.resolve();
        },
      });
      await waitFor(() => allSettled(), 'the job to succeed');
      const [row] = await jobRows(store);
      assert.equal(row?.attempts, 3);
      assert.equal(row?.last_error, '450 mailbox busy', 'the last error stays for the console');
      const [a = 0, b = 0, c = 0] = startedAt;
      assert.ok(b - a >= 60 * 0.8, `first retry after ≥ 48 ms, was ${b - a}`);
      assert.ok(c - b >= 120 * 0.8, `second retry after ≥ 96 ms, was ${c - b}`);
      assert.deepEqual(
        events.map((e) => e.type).filter((type) => type !== 'job:start'),
        ['job:retry', 'job:retry', 'job:success'],
      );
    });

    it('pauses on a full disk, gives the attempt back, and resumes by itself', async () => {
      await addJobs(store, 1, { maxAttempts: 1 });
      let runs = 0;
      const { events, worker } = startWorker(
        {
          run() {
            runs += 1;
            return runs === 1 ? Promise.reject(realDiskFullError()) : Promise.resolve();
          },
        },
        { settings: { storagePauseMs: 100 } },
      );
      await waitFor(() => allSettled(), 'the job to succeed');
      const [row] = await jobRows(store);
      // One attempt allowed, and still it succeeded: the full disk did not use it up.
      assert.equal(row?.attempts, 1);
      assert.equal(runs, 2);
      const types = events.map((e) => e.type).filter((type) => type !== 'job:start');
      assert.deepEqual(types, ['worker:paused', 'worker:resumed', 'job:success']);
      const paused = events.find((e) => e.type === 'worker:paused');
      assert.match(
        paused?.type === 'worker:paused' ? paused.reason : '',
        /disk is full \(SQLITE_FULL\)/,
      );
      assert.equal(worker.paused, false);
    });

    it('fails a step at once on a permanent error and records the failure once', async () => {
      await addJobs(store, 1, { maxAttempts: 5 });
      const failures: string[] = [];
      startWorker({
        run: () => Promise.reject(new Refused('550 no such user')),
        onFailed: (_job, verdict) => {
          failures.push(verdict.message);
          return Promise.resolve();
        },
      });
      await waitFor(() => allSettled('failed'), 'the job to fail');
      const [row] = await jobRows(store);
      assert.equal(row?.attempts, 1);
      assert.equal(row?.last_error, '550 no such user');
      assert.deepEqual(failures, ['550 no such user']);
    });

    it('gives up after the last attempt', async () => {
      await addJobs(store, 1, { maxAttempts: 3 });
      let runs = 0;
      const failures: Job[] = [];
      startWorker({
        run() {
          runs += 1;
          return Promise.reject(new Error('connection reset'));
        },
        onFailed: (job) => {
          failures.push(job);
          return Promise.resolve();
        },
      });
      await waitFor(() => allSettled('failed'), 'the job to fail');
      assert.equal(runs, 3);
      assert.equal(failures.length, 1);
      assert.equal(failures[0]?.attempts, 3);
    });

    it('puts back a step that must wait, without using up an attempt', async () => {
      await addJobs(store, 1, { maxAttempts: 1 });
      let runs = 0;
      startWorker({
        run() {
          runs += 1;
          return runs < 3 ? Promise.reject(new RunLater(50, 'locked')) : Promise.resolve();
        },
      });
      await waitFor(() => allSettled(), 'the job to succeed');
      const [row] = await jobRows(store);
      assert.equal(runs, 3);
      assert.equal(row?.attempts, 1, 'the two waits used no attempt (max 1)');
    });

    it('keeps a step longer than its lease by renewing it, so no other worker takes it', async () => {
      await addJobs(store, 1);
      let runs = 0;
      const slow: JobHandler = {
        async run() {
          runs += 1;
          await sleep(2_000);
        },
      };
      const settings = { leaseMs: 900, pollMs: 25 };
      startWorker(slow, { settings });
      await waitFor(async () => (await jobRows(store))[0]?.state === 'running', 'a claim');
      startWorker(slow, { settings, on: jobs.open() });
      await waitFor(() => allSettled(), 'the job to succeed');
      assert.equal(runs, 1);
      assert.equal((await jobRows(store))[0]?.attempts, 1);
    });

    it('takes over the job of a worker that died, once its lease expires', async () => {
      await addJobs(store, 1);
      const claimedAt = Date.now();
      const [orphan] = await claimJobs(store.db, store.dialect, {
        workerId: 'dead-worker',
        limit: 1,
        leaseMs: 600,
        now: claimedAt,
      });
      assert.ok(orphan);
      let tookOverAt = 0;
      startWorker({
        run() {
          tookOverAt = Date.now();
          return Promise.resolve();
        },
      });
      await waitFor(() => allSettled(), 'another worker to finish the job');
      assert.ok(tookOverAt >= claimedAt + 600, 'not before the lease expired');
      const [row] = await jobRows(store);
      assert.equal(row?.attempts, 2);
      assert.equal(
        await completeJob(store.db, orphan.id, 'dead-worker', Date.now()),
        false,
        'the dead worker, were it to wake up, changes nothing',
      );
    });

    it('on stop, lets a running step finish within the grace period', async () => {
      await addJobs(store, 1);
      let finished = false;
      const { worker } = startWorker({
        async run() {
          await sleep(300);
          finished = true;
        },
      });
      await waitFor(async () => (await jobRows(store))[0]?.state === 'running', 'a claim');
      await worker.stop(5_000);
      assert.equal(finished, true);
      assert.equal((await jobRows(store))[0]?.state, 'succeeded');
    });

    it('on stop, hands back what outlasts the grace period and claims nothing new', async () => {
      await addJobs(store, 1);
      let aborted = false;
      const { worker } = startWorker({
        run: (_job, signal) =>
          new Promise<void>((resolve) => {
            // A step stuck on a slow remote call, which notices the abort only late: its
            // completion must not count any more.
            const slowCall = setTimeout(resolve, 30_000);
            signal.addEventListener('abort', () => {
              aborted = true;
              clearTimeout(slowCall);
              setTimeout(resolve, 100);
            });
          }),
      });
      await waitFor(async () => (await jobRows(store))[0]?.state === 'running', 'a claim');
      await worker.stop(100);
      assert.equal(aborted, true);
      const [row] = await jobRows(store);
      assert.equal(row?.state, 'pending');
      assert.equal(row?.attempts, 0, 'the handed-back attempt is given back');
      assert.equal(row?.locked_by, null);
      await addJobs(store, 1);
      await sleep(200);
      const rows = await jobRows(store);
      assert.ok(
        rows.every((r) => r.state === 'pending'),
        'the stopped worker neither claimed the new job nor completed the handed-back one',
      );

      startWorker({ run: () => Promise.resolve() });
      await waitFor(() => allSettled(), 'another worker to run both');
    });

    it('leaves out of its claims the kinds it found nothing due of, until one is enqueued or comes due', async () => {
      // Every claim's SQL and values as the database gets them.
      const claims: unknown[][] = [];
      const base = store.db.getExecutor();
      const watched: Store = {
        ...store,
        db: store.db.withPlugin({
          transformQuery({ node, queryId }) {
            const compiled = base.compileQuery(node, queryId);
            if (/FROM jobs WHERE kind = /.test(compiled.sql)) claims.push([...compiled.parameters]);
            return node;
          },
          transformResult: ({ result }) => Promise.resolve(result),
        }),
      };
      let now = Date.parse('2026-11-28T03:00:00Z');
      const wake = new WakeSignal();
      let emailRuns = 0;
      const handler: JobHandler = {
        run(job) {
          if (job.kind !== 'send_email') return Promise.resolve();
          emailRuns += 1;
          return emailRuns === 1
            ? Promise.reject(new RunLater(5_000, 'the mailbox is locked'))
            : Promise.resolve();
        },
      };
      startOnClock(handler, { on: watched, wake, now: () => now });
      await waitFor(() => Promise.resolve(claims.length >= 1), 'the first claim');
      const claimed = (index: number) => claims[index]?.filter((v) => typeof v === 'string');
      assert.ok(claimed(0)?.includes('post_notice'), 'the first claim offers every kind');

      await addJobs(store, 1, { kind: 'generate_license', now });
      wake.nudge();
      await waitFor(() => allSettled(), 'the license job to run');
      const second = claimed(claims.length - 1) ?? [];
      assert.ok(second.includes('generate_license'), 'the enqueued kind is claimed');
      for (const kind of ['post_notice', 'send_email', 'cover_reminder', 'run_batch'])
        assert.ok(!second.includes(kind), `${kind}, seen empty, is left out: ${second.join(', ')}`);

      await addJobs(store, 1, { kind: 'send_email', now });
      wake.nudge();
      await waitFor(() => Promise.resolve(emailRuns === 1), 'the email job to be put back');
      const seen = claims.length;
      now += 4_999;
      wake.nudge();
      await sleep(50);
      assert.equal(emailRuns, 1, 'not before it comes due');
      now += 1;
      wake.nudge();
      // Due on the worker's clock: claimed at once, not at the poll a minute away.
      await waitFor(() => allSettled(), 'the put-back email job to run once due', 5_000);
      assert.equal(emailRuns, 2);
      assert.ok(claims.slice(seen).every((values) => !values.includes('post_notice')));
    });

    it('runs a step put back for later when it comes due, even if the clock turned a millisecond while putting it back', async () => {
      let now = Date.parse('2026-11-28T03:00:00Z');
      // Reads of the clock that each move it on by a millisecond, as a real clock may between two.
      let ticking = 0;
      const clock = () => (ticking > 0 ? ((ticking -= 1), now++) : now);
      const wake = new WakeSignal();
      let runs = 0;
      let putBackAt = 0;
      const handler: JobHandler = {
        run() {
          runs += 1;
          if (runs > 1) return Promise.resolve();
          putBackAt = now;
          ticking = 3;
          return Promise.reject(
            new RunLater(100, 'the batch’s earlier rows are still being worked'),
          );
        },
      };
      startOnClock(handler, { on: store, wake, now: clock });
      await addJobs(store, 1, { kind: 'generate_license', now });
      wake.nudge();
      await waitFor(
        async () => runs === 1 && (await jobRows(store))[0]?.state === 'pending',
        'the job to be put back',
      );
      ticking = 0;
      const runAt = Number((await jobRows(store))[0]?.run_at);
      assert.ok(runAt >= putBackAt + 100, 'put back for 100 ms');
      // A millisecond before the row is due: nothing runs, and the worker must not conclude that
      // the kind has nothing due until its poll.
      now = runAt - 1;
      wake.nudge();
      await sleep(50);
      assert.equal(runs, 1, 'not before it comes due');
      now = runAt;
      wake.nudge();
      await waitFor(() => allSettled(), 'the put-back job to run once due', 5_000);
      assert.equal(runs, 2);
    });

    it('wakes at once when told work arrived, without waiting for its poll', async () => {
      const wake = new WakeSignal();
      let ranAt = 0;
      startWorker(
        {
          run() {
            ranAt = Date.now();
            return Promise.resolve();
          },
        },
        { wake, settings: { pollMs: 60_000 } },
      );
      await sleep(100);
      const enqueuedAt = Date.now();
      await addJobs(store, 1);
      wake.notify();
      await waitFor(() => allSettled(), 'the job to run', 5_000);
      // Woken, not polled: the poll is a minute away.
      assert.ok(ranAt - enqueuedAt < 10_000, `ran ${ranAt - enqueuedAt} ms after enqueueing`);
    });

    it('claims work in the transaction that enqueues it, and runs it only once that commits', async () => {
      const ran: string[] = [];
      const wake = new WakeSignal();
      const { worker } = startWorker(
        {
          run(job) {
            ran.push(job.id);
            return Promise.resolve();
          },
        },
        { wake, settings: { pollMs: 60_000 } },
      );
      wake.attach(worker);
      // A request to hang the jobs on, and the worker's first claim over (it found nothing due).
      await addJobs(store, 1, { runAt: Date.now() + 3_600_000 });
      const [placeholder] = await jobRows(store);
      assert.ok(placeholder?.request_id);
      const requestId = placeholder.request_id;
      await sleep(100);

      let claimed: ClaimedWithin | undefined;
      await store.db.transaction().execute(async (trx) => {
        await enqueueJobs(trx, [{ kind: 'send_email', requestId, uniqueKey: 'kept' }], Date.now());
        claimed = await wake.claimWithin(trx);
        const row = await trx
          .selectFrom('jobs')
          .selectAll()
          .where('unique_key', '=', 'kept')
          .executeTakeFirstOrThrow();
        assert.equal(row.state, 'running', 'claimed in the enqueuing transaction');
        assert.equal(row.locked_by, worker.id);
        assert.equal(row.attempts, 1);
      });
      assert.ok(claimed);
      assert.deepEqual(ran, [], 'nothing runs before the commit is known');
      claimed.start();
      claimed.start();
      await waitFor(
        async () =>
          (await jobRows(store)).some((r) => r.unique_key === 'kept' && r.state === 'succeeded'),
        'the claimed job to succeed',
        5_000,
      );
      assert.equal(ran.length, 1, 'started once, however often start is called');

      let abandoned: ClaimedWithin | undefined;
      await assert.rejects(
        store.db.transaction().execute(async (trx) => {
          await enqueueJobs(
            trx,
            [{ kind: 'send_email', requestId, uniqueKey: 'lost' }],
            Date.now(),
          );
          abandoned = await wake.claimWithin(trx);
          throw new Error('the submission failed');
        }),
        /the submission failed/,
      );
      assert.ok(abandoned);
      abandoned.abandon();
      await sleep(100);
      assert.equal(ran.length, 1, 'what a rolled-back transaction claimed never runs');
      assert.equal(worker.busy, 0);
      assert.ok(!(await jobRows(store)).some((r) => r.unique_key === 'lost'));
    });

    it('claims nothing in another transaction without a free slot, or while stopping', async () => {
      const wake = new WakeSignal();
      let release = () => {};
      const { worker } = startWorker(
        { run: () => new Promise<void>((resolve) => (release = resolve)) },
        { wake, settings: { concurrency: 1, pollMs: 30 } },
      );
      await addJobs(store, 1);
      await waitFor(() => Promise.resolve(worker.busy === 1), 'the one slot to be taken');
      await store.db.transaction().execute(async (trx) => {
        assert.equal(await worker.claimWithin(trx), undefined, 'no slot free');
      });
      release();
      worker.drain();
      await store.db.transaction().execute(async (trx) => {
        assert.equal(await worker.claimWithin(trx), undefined, 'stopping');
      });
    });
  });
}
