/**
 * A worker process killed with SIGKILL in the middle of a step (a real kill, at a named point
 * inside the step) holds a lease on the step's job; once the lease expires another worker
 * process takes the job over and finishes the request, with one license and one email.
 * (Restarting a single SQLite process after a kill is `test/requests/crash-recovery.test.ts`.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startFakeSmtpServer, type FakeSmtpServer } from '../fakes/smtp-server.js';
import { createPostgresDatabase } from '../support/databases.js';
import { customerRequest, startCluster, type Cluster } from './cluster.js';

const adminUrl = process.env.LIFELINE_TEST_DATABASE_URL;
const leaseMs = 1_500;

// Mid-step: after the store, the license step's job is already complete (it completes in the
// transaction that stores the license), so there is no lease left to take over there.
const cases = [
  { point: 'generate_license:before_store', kind: 'generate_license' },
  { point: 'send_email:after_send', kind: 'send_email' },
] as const;

if (adminUrl) {
  describe('a worker killed mid-step on PostgreSQL', () => {
    let database: { url: string; drop(): Promise<void> };
    let smtp: FakeSmtpServer;
    let cluster: Cluster;

    before(async () => {
      database = await createPostgresDatabase(adminUrl);
      smtp = await startFakeSmtpServer();
      cluster = await startCluster({
        databaseUrl: database.url,
        apis: 1,
        workers: 0,
        env: {
          ...fakeRemotesEnv({ smtp }, { mailFrom: 'Support <support@vendor.example>' }),
          LIFELINE_JOB_LEASE_MS: String(leaseMs),
          LIFELINE_JOB_POLL_MS: '100',
        },
      });
    });
    after(async () => {
      await cluster?.stop();
      await smtp?.stop();
      await database?.drop();
    });

    for (const { point, kind } of cases) {
      it(`is covered by its lease: another worker finishes after a kill at ${point}`, async () => {
        const doomed = cluster.addWorker({ LIFELINE_CRASH_AT: point });
        const customer = `${kind.replace('_', '-')}-${Date.now().toString(36)}`;
        const answer = await cluster.submit(0, customerRequest(customer));
        assert.equal(answer.status, 202, JSON.stringify(answer.body));
        const id: string = answer.body.id;

        let noKill: NodeJS.Timeout | undefined;
        const death = await Promise.race([
          doomed.exited,
          new Promise<never>((_, reject) => {
            noKill = setTimeout(
              () => reject(new Error(`no kill at ${point}: ${cluster.logs()}`)),
              60_000,
            );
          }),
        ]).finally(() => clearTimeout(noKill));
        assert.equal(death.signal, 'SIGKILL', `the worker should die at ${point}`);
        const db = cluster.store.db;
        const held = await db
          .selectFrom('jobs')
          .selectAll()
          .where('request_id', '=', id)
          .where('kind', '=', kind)
          .executeTakeFirstOrThrow();
        assert.equal(held.state, 'running', 'the dead worker still holds the job');
        assert.match(held.locked_by ?? '', new RegExp(`:${doomed.child.pid}:`));
        const leaseEnd = Number(held.locked_until);

        const survivor = cluster.addWorker();
        const deadline = Date.now() + 60_000;
        for (;;) {
          const request = await db
            .selectFrom('requests')
            .select(['state', 'tracker_issue_state'])
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          // The request and the killed job itself: wait for both.
          const retaken = await db
            .selectFrom('jobs')
            .select('state')
            .where('id', '=', held.id)
            .executeTakeFirstOrThrow();
          if (
            request.state === 'succeeded' &&
            request.tracker_issue_state === 'closed' &&
            retaken.state === 'succeeded'
          )
            break;
          if (Date.now() > deadline) assert.fail(`request ${id} not finished: ${cluster.logs()}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }

        const job = await db
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', held.id)
          .executeTakeFirstOrThrow();
        // Alone again for the next case, so the next doomed worker is the one that claims.
        await survivor.kill('SIGTERM');
        assert.equal(job.state, 'succeeded');
        assert.equal(job.attempts, 2, 'the killed attempt and the one that finished');
        assert.ok(Number(job.updated_at) >= leaseEnd, 'not taken over before the lease ended');

        const licenses = await db
          .selectFrom('licenses')
          .select('text')
          .where('request_id', '=', id)
          .execute();
        assert.equal(licenses.length, 1, 'one license');
        const issues = await db
          .selectFrom('tracker_issues')
          .select('state')
          .where('request_id', '=', id)
          .execute();
        assert.deepEqual(issues, [{ state: 'closed' }], 'one closed tracker issue');

        const mails = smtp.messages.filter((m) => m.headers.get('x-lifeline-request') === id);
        // After a kill between the server's acceptance and its record, the email is sent
        // again: the same Message-ID, so mail clients show it once.
        assert.equal(mails.length, kind === 'send_email' ? 2 : 1);
        assert.equal(new Set(mails.map((m) => m.messageId)).size, 1, 'one email');
        const attachment = mails[0]?.attachments.find((a) =>
          a.filename?.endsWith('.gitlab-license'),
        );
        assert.equal(attachment?.content.toString('utf8'), licenses[0]?.text, 'the stored one');
      });
    }
  });
}
