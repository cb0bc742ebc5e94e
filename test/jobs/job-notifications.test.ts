/**
 * LISTEN/NOTIFY between processes on PostgreSQL (on SQLite every role runs in one process and
 * the in-process wake signal, tested with the worker, is all there is). Each connection (pool)
 * here stands for a separate process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { WakeSignal } from '../../src/jobs/wake-signal.js';
import { createLogger } from '../../src/service/logger.js';
import { listenForJobs } from '../../src/service/job-notifications.js';
import type { Store } from '../../src/store/database.js';
import { testDatabases } from '../support/databases.js';
import { addJobs, openJobDatabase, waitFor, type JobDatabase } from './job-store.js';

const silent = createLogger('silent');

/** Milliseconds until the next wake-up, or undefined if none came within `timeoutMs`. */
async function nextWake(wake: WakeSignal, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  await wake.wait(timeoutMs);
  const waited = Date.now() - started;
  return waited < timeoutMs - 20 ? waited : undefined;
}

for (const database of testDatabases.filter((d) => d.name === 'postgres')) {
  describe('job notifications between processes (postgres)', () => {
    let jobs: JobDatabase;
    let producer: Store;
    let workerSide: Store;
    let wake: WakeSignal;
    let stopListening: () => Promise<void>;

    const listenerPids = async () =>
      (
        await sql<{ pid: number }>`select pid from pg_stat_activity
          where datname = current_database() and application_name = 'lifeline-listener'`.execute(
          producer.db,
        )
      ).rows.map((row) => row.pid);

    before(async () => {
      jobs = await openJobDatabase(database);
      producer = jobs.store;
      workerSide = jobs.open();
      wake = new WakeSignal();
      stopListening = await listenForJobs(workerSide, wake, silent);
      await wake.wait(0); // the wake-up every (re)connection gives, for missed jobs
    });
    after(async () => {
      await stopListening();
      await jobs.close();
    });

    it('wakes a worker in another process as soon as jobs are enqueued there', async () => {
      const woke = nextWake(wake, 5_000);
      await addJobs(producer, 3);
      const waited = await woke;
      assert.ok(waited !== undefined && waited < 2_000, `woke after ${waited} ms`);
    });

    it('wakes nobody for jobs whose transaction rolled back', async () => {
      await wake.wait(0);
      const woke = nextWake(wake, 700);
      await producer.db
        .transaction()
        .execute(async (trx) => {
          await addJobs({ ...producer, db: trx }, 1);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      assert.equal(await woke, undefined, 'no notification outlives a rollback');
    });

    it('listens again after its connection is killed, and wakes the worker for what it missed', async () => {
      const [before] = await listenerPids();
      assert.ok(before, 'one listening connection');
      const reconnected = nextWake(wake, 10_000);
      await sql`select pg_terminate_backend(${before})`.execute(producer.db);
      assert.ok((await reconnected) !== undefined, 'woken on reconnection');
      await waitFor(async () => {
        const pids = await listenerPids();
        return pids.length === 1 && pids[0] !== before;
      }, 'a new listening connection');
      const woke = nextWake(wake, 5_000);
      await addJobs(producer, 1);
      const waited = await woke;
      assert.ok(waited !== undefined && waited < 2_000, `woke after ${waited} ms`);
    });

    it('closes its connection when stopped', async () => {
      const listening = await listenerPids();
      assert.equal(listening.length, 1);
      await stopListening();
      await waitFor(async () => (await listenerPids()).length === 0, 'the listener to close');
      stopListening = () => Promise.resolve();
    });
  });
}
