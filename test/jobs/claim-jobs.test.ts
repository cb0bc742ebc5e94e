/**
 * The job table's statements on both databases: claims, leases, fenced settlement, and many
 * claimers on separate connections (what several worker processes are).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { claimJobs, claimJobsByKind, reclaimExpiredLeases } from '../../src/jobs/sql/claim-jobs.js';
import {
  completeJob,
  failJob,
  releaseJobs,
  renewLeases,
  rescheduleJob,
} from '../../src/jobs/sql/settle-jobs.js';
import type { Store } from '../../src/store/database.js';
import { testDatabases } from '../support/databases.js';
import type { JobKind } from '../../src/jobs/job.js';
import { enqueueJobs } from '../../src/jobs/sql/enqueue-jobs.js';
import { addJobs, jobRows, openJobDatabase, type JobDatabase } from './job-store.js';

const lease = 1_000;

for (const database of testDatabases) {
  describe(`job claims (${database.name})`, () => {
    let jobs: JobDatabase;
    let store: Store;
    const claim = (workerId: string, now: number, limit = 10, on = store) =>
      claimJobs(on.db, on.dialect, { workerId, limit, leaseMs: lease, now });
    /** What a worker does: sweep expired leases back into the queue, then claim. */
    const sweepAndClaim = async (workerId: string, now: number) => {
      await reclaimExpiredLeases(store.db, now);
      return claim(workerId, now);
    };

    before(async () => {
      jobs = await openJobDatabase(database);
      store = jobs.store;
    });
    after(() => jobs.close());
    beforeEach(async () => {
      await store.db.deleteFrom('jobs').execute();
    });

    it('enqueues a list in one go, skipping keys taken before or earlier in the list', async () => {
      const now = Date.now();
      const enqueue = (list: Array<{ uniqueKey?: string }>) =>
        store.db.transaction().execute((trx) =>
          enqueueJobs(
            trx,
            list.map((job) => ({ kind: 'send_email' as const, ...job })),
            now,
          ),
        );
      assert.equal(
        await enqueue([{ uniqueKey: 'a' }, { uniqueKey: 'a' }, { uniqueKey: 'b' }, {}, {}]),
        4,
        'the second "a" is skipped; jobs without a key are all added',
      );
      assert.equal(await enqueue([{ uniqueKey: 'a' }, { uniqueKey: 'c' }]), 1);
      assert.equal(await enqueue([]), 0);
      const keys = (await jobRows(store)).map((row) => row.unique_key);
      assert.deepEqual(keys.filter((key) => key !== null).sort(), ['a', 'b', 'c']);
      assert.equal(keys.length, 5);
    });

    it('claims due jobs oldest first, counts the attempt and takes a lease', async () => {
      const now = 1_000_000;
      await addJobs(store, 1, { runAt: now - 1_000, now });
      await addJobs(store, 1, { runAt: now - 3_000, now });
      await addJobs(store, 1, { runAt: now - 2_000, now });
      await addJobs(store, 1, { runAt: now + 60_000, now });

      const first = await claim('w1', now, 2);
      assert.deepEqual(
        first.map((job) => job.runAt),
        [now - 3_000, now - 2_000],
      );
      for (const job of first) {
        assert.equal(job.state, 'running');
        assert.equal(job.attempts, 1);
        assert.equal(job.lockedBy, 'w1');
        assert.equal(job.lockedUntil, now + lease);
      }
      const second = await claim('w1', now);
      assert.deepEqual(
        second.map((job) => job.runAt),
        [now - 1_000],
      );
      assert.equal((await claim('w1', now)).length, 0, 'the job due in a minute is not claimed');
      for (const job of [...first, ...second]) await completeJob(store.db, job.id, 'w1', now);
      const [future] = await claim('w1', now + 60_000);
      assert.equal(future?.runAt, now + 60_000);
    });

    it('takes over a running job only once its lease has expired', async () => {
      const now = 2_000_000;
      await addJobs(store, 1, { now });
      const [job] = await claim('w1', now);
      assert.ok(job);
      assert.equal(await reclaimExpiredLeases(store.db, now + lease - 1), 0);
      assert.equal((await claim('w2', now + lease - 1)).length, 0, 'the lease still holds');
      assert.equal(await reclaimExpiredLeases(store.db, now + lease + 1), 1);
      const [taken] = await claim('w2', now + lease + 1);
      assert.equal(taken?.id, job.id);
      assert.equal(taken?.lockedBy, 'w2');
      assert.equal(taken?.attempts, 2, 'the crashed attempt counts');
    });

    it('ignores the writes of a worker whose job was taken over (fencing)', async () => {
      const now = 3_000_000;
      await addJobs(store, 1, { now });
      const [job] = await claim('w1', now);
      assert.ok(job);
      await sweepAndClaim('w2', now + lease + 1);
      const later = now + lease + 2;

      assert.equal(await completeJob(store.db, job.id, 'w1', later), false);
      assert.equal(await rescheduleJob(store.db, job.id, 'w1', 'late', later, later), false);
      assert.equal(await failJob(store.db, job.id, 'w1', 'late', later), false);
      await renewLeases(store.db, [job.id], 'w1', later + 99_999, later);
      await releaseJobs(store.db, [job.id], 'w1', later, later);
      const [row] = await jobRows(store);
      assert.equal(row?.state, 'running');
      assert.equal(row?.locked_by, 'w2');
      assert.equal(Number(row?.locked_until), now + lease + 1 + lease, 'w1 renewed nothing');
      assert.equal(row?.attempts, 2, 'w1 gave back nothing');

      assert.equal(await completeJob(store.db, job.id, 'w2', later), true);
      assert.equal(await completeJob(store.db, job.id, 'w2', later), false, 'only once');
      const [done] = await jobRows(store);
      assert.equal(done?.state, 'succeeded');
      assert.equal(done?.locked_by, null);
    });

    it('renews the lease of the worker that holds the job', async () => {
      const now = 4_000_000;
      await addJobs(store, 1, { now });
      const [job] = await claim('w1', now);
      assert.ok(job);
      await renewLeases(store.db, [job.id], 'w1', now + 10 * lease, now + lease / 2);
      assert.equal((await sweepAndClaim('w2', now + 2 * lease)).length, 0, 'renewed: kept');
      assert.equal((await sweepAndClaim('w2', now + 10 * lease + 1)).length, 1);
    });

    it('hands a released job back without using up an attempt', async () => {
      const now = 5_000_000;
      await addJobs(store, 1, { now });
      const [job] = await claim('w1', now);
      assert.ok(job);
      await releaseJobs(store.db, [job.id], 'w1', now + 5_000, now);
      const [row] = await jobRows(store);
      assert.equal(row?.state, 'pending');
      assert.equal(row?.attempts, 0);
      assert.equal(row?.locked_by, null);
      assert.equal((await claim('w2', now + 4_999)).length, 0, 'not before the given time');
      const [again] = await claim('w2', now + 5_000);
      assert.equal(again?.attempts, 1);
    });

    it('puts a failed attempt back for later with its error, or fails it for good', async () => {
      const now = 6_000_000;
      await addJobs(store, 2, { now });
      const [retried, failed] = await claim('w1', now);
      assert.ok(retried && failed);
      assert.equal(
        await rescheduleJob(store.db, retried.id, 'w1', '450 mailbox busy', now + 2_000, now),
        true,
      );
      assert.equal(await failJob(store.db, failed.id, 'w1', '550 no such user', now), true);
      const rows = await store.db.selectFrom('jobs').selectAll().execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      assert.equal(byId.get(retried.id)?.state, 'pending');
      assert.equal(byId.get(retried.id)?.last_error, '450 mailbox busy');
      assert.equal(byId.get(failed.id)?.state, 'failed');
      assert.equal(byId.get(failed.id)?.last_error, '550 no such user');
      assert.equal((await claim('w1', now + 1_999)).length, 0);
      const [second] = await claim('w1', now + 2_000);
      assert.equal(second?.id, retried.id);
      assert.equal(second?.attempts, 2);
      await completeJob(store.db, retried.id, 'w1', now + 2_000);
      assert.equal((await claim('w1', now + 99_999)).length, 0, 'a failed job is never claimed');
    });

    it('never gives one job to two claimers racing on separate connections', async () => {
      const now = Date.now();
      await addJobs(store, 300, { now });
      const claimers = [store, jobs.open(), jobs.open(), jobs.open()];
      const claimedBy = await Promise.all(
        claimers.map(async (connection, index) => {
          const ids: string[] = [];
          for (let empty = 0; empty < 3;) {
            const batch = await claim(`w${index}`, now, 7, connection);
            ids.push(...batch.map((job) => job.id));
            empty = batch.length === 0 ? empty + 1 : 0;
          }
          return ids;
        }),
      );
      const all = claimedBy.flat();
      assert.equal(new Set(all).size, all.length, 'no job claimed twice');
      assert.equal(all.length, 300, 'every job claimed');
      const rows = await jobRows(store);
      assert.ok(rows.every((row) => row.attempts === 1 && row.state === 'running'));
    });

    it('claims each kind within its own slots, oldest first, and no more than the limit in all', async () => {
      const now = 3_000_000;
      await addJobs(store, 3, { kind: 'send_email', runAt: now - 3_000, now });
      await addJobs(store, 1, { kind: 'send_email', runAt: now - 1_000, now });
      await addJobs(store, 2, { kind: 'post_notice', runAt: now - 2_000, now });
      await addJobs(store, 2, { kind: 'note_ticket', runAt: now - 4_000, now });
      await addJobs(store, 1, { kind: 'send_email', runAt: now + 60_000, now });
      const byKind = (slots: Array<[JobKind, number]>, limit: number) =>
        claimJobsByKind(store.db, store.dialect, {
          workerId: 'w1',
          slots,
          limit,
          leaseMs: lease,
          now,
        });

      const first = await byKind(
        [
          ['send_email', 2],
          ['post_notice', 1],
        ],
        10,
      );
      assert.deepEqual(
        first.map((job) => [job.kind, job.runAt]),
        [
          ['send_email', now - 3_000],
          ['send_email', now - 3_000],
          ['post_notice', now - 2_000],
        ],
        'each kind its slots, a kind left out (the notes) untouched',
      );
      assert.ok(first.every((job) => job.state === 'running' && job.lockedBy === 'w1'));

      const second = await byKind(
        [
          ['send_email', 5],
          ['post_notice', 5],
          ['note_ticket', 5],
        ],
        3,
      );
      assert.deepEqual(
        second.map((job) => [job.kind, job.runAt]),
        [
          ['note_ticket', now - 4_000],
          ['note_ticket', now - 4_000],
          ['send_email', now - 3_000],
        ],
        'the oldest three of all kinds when the limit is smaller than the slots',
      );
      const rest = await byKind([['send_email', 5]], 10);
      assert.deepEqual(
        rest.map((job) => job.runAt),
        [now - 1_000],
        'the email due in a minute waits',
      );
      assert.deepEqual(await byKind([['send_email', 0]], 10), []);
    });

    it('never gives one job to two claimers by kind racing on separate connections', async () => {
      const now = Date.now();
      await addJobs(store, 100, { kind: 'send_email', now });
      await addJobs(store, 100, { kind: 'post_notice', now });
      const claimers = [store, jobs.open(), jobs.open(), jobs.open()];
      const claimedBy = await Promise.all(
        claimers.map(async (connection, index) => {
          const ids: string[] = [];
          for (let empty = 0; empty < 3;) {
            const batch = await claimJobsByKind(connection.db, connection.dialect, {
              workerId: `w${index}`,
              slots: [
                ['send_email', 3],
                ['post_notice', 4],
              ],
              limit: 5,
              leaseMs: lease,
              now,
            });
            assert.ok(batch.length <= 5);
            ids.push(...batch.map((job) => job.id));
            empty = batch.length === 0 ? empty + 1 : 0;
          }
          return ids;
        }),
      );
      const all = claimedBy.flat();
      assert.equal(new Set(all).size, all.length, 'no job claimed twice');
      assert.equal(all.length, 200, 'every job claimed');
    });

    if (database.name === 'postgres') {
      it('skips jobs another transaction has locked instead of waiting for it', async () => {
        const now = Date.now();
        await addJobs(store, 5, { now });
        const holder = new pg.Client({ connectionString: jobs.url });
        await holder.connect();
        try {
          await holder.query('begin');
          const locked = await holder.query<{ id: string }>(
            'select id from jobs order by run_at, id limit 2 for update',
          );
          const lockedIds = new Set(locked.rows.map((row) => row.id));
          const started = Date.now();
          const claimed = await Promise.race([
            claim('w1', now),
            new Promise<never>((_, reject) =>
              setTimeout(() => reject(new Error('the claim waited for the lock')), 3_000).unref(),
            ),
          ]);
          assert.ok(Date.now() - started < 3_000);
          assert.equal(claimed.length, 3);
          assert.ok(claimed.every((job) => !lockedIds.has(job.id)));
          await holder.query('commit');
          assert.equal((await claim('w1', now)).length, 2, 'free again after the commit');
        } finally {
          await holder.end();
        }
      });
    }
  });
}
