/**
 * SQLite shared by processes: an API process (`serve --no-worker`) and two worker processes on
 * one database file, as `lifeline worker` allows. SQLite lets one writer in at a time; a
 * transaction that started as a reader and then wrote after another process's commit used to
 * fail at once (SQLITE_BUSY_SNAPSHOT, answered 500) instead of waiting its turn.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { customerRequest, startCluster, type Cluster } from './cluster.js';

const requests = 150;

describe('one SQLite file, one API and two worker processes', () => {
  let dir: string;
  let cluster: Cluster;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lifeline-sqlite-shared-'));
    cluster = await startCluster({
      databaseUrl: `sqlite:${join(dir, 'lifeline.db')}`,
      apis: 1,
      workers: 2,
      env: {
        LIFELINE_RATE_LIMIT_PER_MINUTE: '100000',
        // No NOTIFY on SQLite: workers in other processes find work by polling.
        LIFELINE_JOB_POLL_MS: '50',
        LIFELINE_RETRY_BASE_MS: '200',
      },
    });
  });
  after(async () => {
    const exits = await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.ok(
      exits?.every((exit) => exit.code === 0),
      `every process exited 0: ${JSON.stringify(exits)}`,
    );
  });

  it('accepts every submission and finishes each with one license, no error on the way', async () => {
    const run = Date.now().toString(36);
    const answers = await Promise.all(
      Array.from({ length: requests }, (_, i) =>
        cluster.submit(0, customerRequest(`sqlite-${i}-${run}`)),
      ),
    );
    assert.deepEqual(
      answers.filter((a) => a.status !== 202).map((a) => a.body),
      [],
      'every submission accepted',
    );

    const db = cluster.store.db;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const done = await db
        .selectFrom('requests')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('state', '=', 'succeeded')
        .where('tracker_issue_state', '=', 'closed')
        .executeTakeFirstOrThrow();
      if (Number(done.count) === requests) break;
      assert.ok(Date.now() < deadline, `after 60 s only ${done.count}/${requests} done`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const licenses = await db.selectFrom('licenses').select('request_id').execute();
    assert.equal(new Set(licenses.map((l) => l.request_id)).size, requests, 'one license each');
    assert.equal(licenses.length, requests);

    const logs = cluster.logs();
    assert.doesNotMatch(logs, /SQLITE_BUSY|database is locked|unexpected error/, logs.slice(-3000));
    const retried = await db
      .selectFrom('jobs')
      .select('last_error')
      .where('last_error', 'is not', null)
      .execute();
    assert.deepEqual(retried, [], 'no step failed on a locked database');
  });
});
