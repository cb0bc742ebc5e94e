/**
 * The rate limit's shared count at its seam, on both databases: a process takes positions of
 * the count a few at a time, so most calls write nothing, yet no more than the limit are ever
 * answered, one process or several, and the count starts again when the minute turns.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CallCounter } from '../../src/http/auth/rate-limit.js';
import { testDatabases } from '../support/databases.js';
import { openJobDatabase, type JobDatabase } from '../jobs/job-store.js';

const minute = 60_000;
const start = Date.parse('2026-11-28T10:00:00Z');

for (const database of testDatabases) {
  describe(`the rate limit's count (${database.name})`, () => {
    let jobs: JobDatabase;
    before(async () => {
      jobs = await openJobDatabase(database);
    });
    after(() => jobs.close());
    beforeEach(async () => {
      await jobs.store.db.deleteFrom('rate_limits').execute();
    });

    const shared = async (key: string) =>
      Number(
        (
          await jobs.store.db
            .selectFrom('rate_limits')
            .select('count')
            .where('key', '=', key)
            .executeTakeFirst()
        )?.count ?? 0,
      );

    it('gives one process every position up to the limit, in order, with few writes', async () => {
      const counter = new CallCounter(jobs.store, 600);
      const positions: number[] = [];
      for (let i = 0; i < 650; i += 1)
        positions.push((await counter.count('token:sam', start + 10_000 + i)).count);
      assert.deepEqual(
        positions,
        Array.from({ length: 650 }, (_, i) => i + 1),
        'each call its own position, none skipped',
      );
      assert.equal(positions.filter((p) => p <= 600).length, 600, 'exactly the limit answered');
      // 32 at a time while much is left, one at a time near the limit and past it.
      const taken = await shared('token:sam');
      assert.ok(taken >= 650 && taken < 650 + 32, `the shared count (${taken}) covers every call`);
    });

    it('never answers more than the limit across processes, and little fewer', async () => {
      const processes = [0, 1, 2].map(() => new CallCounter(jobs.store, 200));
      let answered = 0;
      for (let i = 0; i < 600; i += 1) {
        const { count } = await processes[i % 3]!.count('token:robin', start + 5_000);
        if (count <= 200) answered += 1;
      }
      assert.ok(answered <= 200, `${answered} answered, the limit is 200`);
      // What the other two processes took and did not use: a sixteenth of what was left, each.
      assert.ok(answered >= 200 - 2 * Math.floor(200 / 16), `${answered} answered`);
    });

    it('starts again when the minute turns, not a millisecond before', async () => {
      const counter = new CallCounter(jobs.store, 3);
      const window = start + 7 * minute;
      for (let i = 1; i <= 4; i += 1)
        assert.equal((await counter.count('ip:192.0.2.7', window + 1_000)).count, i);
      const last = await counter.count('ip:192.0.2.7', window + minute - 1);
      assert.equal(last.count, 5);
      assert.equal(last.resetMs, 1);
      const next = await counter.count('ip:192.0.2.7', window + minute);
      assert.equal(next.count, 1);
      assert.equal(next.resetMs, minute);
    });

    it('keeps each caller to a count of its own', async () => {
      const counter = new CallCounter(jobs.store, 100);
      assert.equal((await counter.count('token:a', start)).count, 1);
      assert.equal((await counter.count('token:b', start)).count, 1);
      assert.equal((await counter.count('token:a', start)).count, 2);
    });
  });
}
