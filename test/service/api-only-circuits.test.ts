/**
 * An API-only process (`serve --no-worker`) shows the circuits its workers keep in the
 * database: /readyz, /metrics and `doctor` (through /readyz) say which remote does not answer,
 * since when and until when its steps wait, though the process itself runs no worker. The
 * worker here is another connection's circuits, as a worker process has them, on the
 * service's clock standing still until the test moves it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SharedCircuits } from '../../src/jobs/sql/shared-circuits.js';
import { runningServiceChecks } from '../../src/service/running-service-checks.js';
import { openStore, type Store } from '../../src/store/database.js';
import { testDatabases } from '../support/databases.js';
import { startTestService, type TestService } from '../support/service.js';
import { stillClock } from '../support/still-clock.js';

const timeout = {
  message: 'Slack did not answer within 10 s',
  permanent: false,
  code: 'SLACK_TIMEOUT',
};

for (const database of testDatabases) {
  describe(`circuits in a process that runs no worker (${database.name})`, () => {
    const clock = stillClock('2026-12-01T12:00:00Z');
    let lifeline: TestService;
    let workerStore: Store;
    let worker: SharedCircuits;
    const notice = async () => {
      const ready = await lifeline.api('/readyz', { token: null });
      assert.equal(ready.status, 200, 'a remote that does not answer leaves the service ready');
      return (ready.body.remotes as Array<Record<string, unknown>>).find(
        (remote) => remote.remote === 'notice',
      );
    };
    const metric = async () => {
      const text = await fetch(`${lifeline.url}/metrics`).then((r) => r.text());
      return /^lifeline_remote_circuit_open\{remote="notice"\} (\d)$/m.exec(text)?.[1];
    };

    before(async () => {
      lifeline = await startTestService(
        {},
        { clock, database, roles: { api: true, worker: false } },
      );
      workerStore = openStore(lifeline.service.config.databaseUrl, { max: 2 });
      worker = new SharedCircuits(workerStore, () => lifeline.service.clock.now());
    });
    after(async () => {
      await workerStore?.close();
      await lifeline?.stop();
    });

    it('shows a circuit a worker opened, since when, and its closing', async () => {
      assert.equal(lifeline.service.worker, undefined, 'this process runs no worker');
      assert.equal(await notice(), undefined, 'no remote seen yet');

      for (let i = 0; i < 5; i++) await worker.report('notice', timeout);
      const openedAt = new Date(lifeline.service.clock.now()).toISOString();
      const opened = await notice();
      assert.equal(opened?.state, 'open');
      assert.equal(opened?.consecutiveFailures, 5);
      assert.equal(opened?.since, openedAt);
      assert.equal(opened?.retryAt, new Date(Date.parse(openedAt) + 30_000).toISOString());
      assert.equal(await metric(), '1');
      const doctor = await runningServiceChecks(lifeline.url);
      assert.deepEqual(
        doctor.filter((check) => !check.ok).map((check) => check.name),
        ['circuit notice'],
      );
      assert.equal(
        doctor.find((check) => check.name === 'circuit notice')?.detail,
        `open since ${openedAt}: 5 attempts in a row got no answer; its steps wait until ${opened?.retryAt}`,
      );

      // Let through once, and still no answer: it reopens for longer, and the outage keeps
      // the instant it began.
      clock.advance(30_000);
      assert.equal((await notice())?.state, 'half-open');
      await worker.report('notice', timeout);
      const reopened = await notice();
      assert.equal(reopened?.state, 'open');
      assert.equal(reopened?.since, openedAt);
      assert.equal(
        reopened?.retryAt,
        new Date(lifeline.service.clock.now() + 60_000).toISOString(),
      );

      clock.advance(60_000);
      await worker.report('notice', 'success');
      const closed = await notice();
      assert.equal(closed?.state, 'closed');
      assert.equal(closed?.since, undefined);
      assert.equal(await metric(), '0');
      const afterwards = await runningServiceChecks(lifeline.url);
      assert.equal(afterwards.find((check) => check.name === 'circuit notice')?.ok, true);
    });
  });
}
