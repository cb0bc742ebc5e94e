/**
 * Two workers must never sync one request's tracker issue at once (a tracker that finds no issue
 * for either opens two). A sync waits, and comes back 250 ms later, while another worker runs a
 * sync of the same request under a live lease; a lapsed lease (a dead worker) holds nothing up,
 * and neither does a sync of this same worker, which takes its turn in memory. On both databases,
 * with the step's handler run directly on a job marked running as a claim would leave it. The
 * built-in tracker's issue is written in the transaction that records it and completes the job.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBuiltinTracker } from '../../src/adapters/tracker/builtin-tracker.js';
import { RunLater } from '../../src/jobs/job-handler.js';
import { jobFromRow } from '../../src/jobs/job-row.js';
import { completeJob } from '../../src/jobs/sql/settle-jobs.js';
import type { PipelineContext } from '../../src/requests/pipeline-context.js';
import { trackerDeliveryId } from '../../src/requests/delivery-ids.js';
import { syncTrackerIssue } from '../../src/requests/steps/sync-tracker-issue.js';
import { submissionSchema } from '../../src/requests/submission.js';
import { submitRequest } from '../../src/requests/submit-request.js';
import { testDatabases } from '../support/databases.js';
import { screenshotBody } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';
import { stillClock } from '../support/still-clock.js';

const thisWorker = 'host:1:this-worker';
const otherWorker = 'host:2:other-worker';
const leaseMs = 30_000;

for (const database of testDatabases) {
  describe(`a tracker sync while another worker syncs the request (${database.name})`, () => {
    const clock = stillClock('2026-11-28T12:00:00Z');
    let lifeline: TestService;
    let customer = 0;

    before(async () => {
      // No worker: the test plays the workers, so nothing else claims the request's jobs.
      lifeline = await startTestService(
        {},
        { clock, database, roles: { api: false, worker: false } },
      );
    });
    after(() => lifeline.stop());

    const db = () => lifeline.service.store.db;
    const now = () => lifeline.service.clock.now();
    // The sync reads only these of the pipeline's context.
    const context = () =>
      ({
        store: lifeline.service.store,
        clock: lifeline.service.clock,
        tracker: createBuiltinTracker(lifeline.service.store),
        requestUrl: () => undefined,
      }) as Partial<PipelineContext> as PipelineContext;

    async function submit(): Promise<string> {
      customer += 1;
      const submission = submissionSchema.parse(
        screenshotBody({}, { customerEmail: `ops@elsewhere-${customer}.example`, userCount: 120 }),
      );
      // Without the tracker in the submission's context, the request's issue is left to a sync
      // job (as with GitLab), which the test then runs as two workers would.
      const { tracker: _written, ...bySyncJob } = lifeline.service.submit;
      const result = await submitRequest(bySyncJob, submission, {
        name: 'seam-engineer',
        origin: 'cli',
      });
      assert.equal(result.status, 202, JSON.stringify(result.body));
      return result.body.id;
    }

    /** The request's queued sync, claimed by this worker as the worker's claim marks it. */
    async function claimSync(requestId: string) {
      const row = await db()
        .updateTable('jobs')
        .set({
          state: 'running',
          locked_by: thisWorker,
          locked_until: now() + leaseMs,
          attempts: 1,
        })
        .where('request_id', '=', requestId)
        .where('kind', '=', 'sync_tracker_issue')
        .returningAll()
        .executeTakeFirstOrThrow();
      const job = jobFromRow(row);
      return { ...job, requestId };
    }

    /** Another sync of the request (a later revision's), running under `worker`'s lease. */
    async function syncRunningElsewhere(requestId: string, worker: string, lockedUntil: number) {
      await db()
        .insertInto('jobs')
        .values({
          id: `${requestId}-elsewhere`,
          kind: 'sync_tracker_issue',
          request_id: requestId,
          delivery_id: trackerDeliveryId(requestId),
          state: 'running',
          attempts: 1,
          max_attempts: 20,
          run_at: now(),
          locked_by: worker,
          locked_until: lockedUntil,
          last_error: null,
          unique_key: `sync_tracker_issue:${requestId}:elsewhere`,
          created_at: now(),
          updated_at: now(),
        })
        .execute();
    }

    async function runSync(job: Awaited<ReturnType<typeof claimSync>>): Promise<void> {
      const handler = syncTrackerIssue.handler(context());
      await handler.run(job, new AbortController().signal, {
        complete: (trx) => completeJob(trx, job.id, thisWorker, now()),
      });
    }

    const issues = (requestId: string) =>
      db()
        .selectFrom('tracker_issues')
        .select('number')
        .where('request_id', '=', requestId)
        .execute();
    const syncedRevision = async (requestId: string) =>
      (
        await db()
          .selectFrom('requests')
          .select('tracker_synced_revision')
          .where('id', '=', requestId)
          .executeTakeFirstOrThrow()
      ).tracker_synced_revision;

    it('waits while another worker runs a sync of the request under a live lease', async () => {
      const id = await submit();
      const job = await claimSync(id);
      await syncRunningElsewhere(id, otherWorker, now() + leaseMs);
      await assert.rejects(runSync(job), (error: unknown) => {
        assert.ok(error instanceof RunLater, String(error));
        assert.equal(error.delayMs, 250);
        return true;
      });
      assert.deepEqual(await issues(id), [], 'no issue written');
      assert.equal(await syncedRevision(id), null);
    });

    it('goes on when the other worker’s lease has lapsed (it died)', async () => {
      const id = await submit();
      const job = await claimSync(id);
      await syncRunningElsewhere(id, otherWorker, now() - 1);
      await runSync(job);
      assert.equal((await issues(id)).length, 1);
      assert.equal(Number(await syncedRevision(id)), 1);
    });

    it('goes on past a sync of the request held by this same worker (it takes turns in memory)', async () => {
      const id = await submit();
      const job = await claimSync(id);
      await syncRunningElsewhere(id, thisWorker, now() + leaseMs);
      await runSync(job);
      assert.equal((await issues(id)).length, 1);
      assert.equal(Number(await syncedRevision(id)), 1);
    });

    it('writes no built-in issue when its job was taken over: the issue and its record commit together', async () => {
      const id = await submit();
      const job = await claimSync(id);
      // This worker's lease lapsed and another worker claimed the job meanwhile.
      await db()
        .updateTable('jobs')
        .set({ locked_by: otherWorker })
        .where('id', '=', job.id)
        .execute();
      await runSync(job);
      assert.deepEqual(await issues(id), [], 'the new holder writes it');
      assert.equal(await syncedRevision(id), null);
      const delivery = await db()
        .selectFrom('deliveries')
        .select('state')
        .where('id', '=', trackerDeliveryId(id))
        .executeTakeFirstOrThrow();
      assert.notEqual(delivery.state, 'delivered');
    });
  });
}
