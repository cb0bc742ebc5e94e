/**
 * The guarantees of one process, kept by six: two API processes and four worker processes on
 * one PostgreSQL, with a real SMTP server and a GitLab for the mail and the tracker issues.
 * A thousand submissions arrive at once, some of them the same request sent twice (with the
 * same Idempotency-Key, or the same body without one) to different API processes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGitLabServer, type FakeGitLab } from '../fakes/gitlab-server.js';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startFakeSmtpServer, type FakeSmtpServer } from '../fakes/smtp-server.js';
import { createPostgresDatabase } from '../support/databases.js';
import { customerRequest, startCluster, type Cluster } from './cluster.js';

const adminUrl = process.env.LIFELINE_TEST_DATABASE_URL;

/** 850 distinct requests, 150 of them sent twice: 1,000 submissions. */
const distinct = 850;
const keyedTwice = 100;
const unkeyedTwice = 50;

if (adminUrl) {
  describe('two API and four worker processes on one PostgreSQL', () => {
    let database: { url: string; drop(): Promise<void> };
    let smtp: FakeSmtpServer;
    let gitlab: FakeGitLab;
    let cluster: Cluster;

    before(async () => {
      database = await createPostgresDatabase(adminUrl);
      smtp = await startFakeSmtpServer();
      gitlab = await startGitLabServer();
      cluster = await startCluster({
        databaseUrl: database.url,
        apis: 2,
        workers: 4,
        env: {
          ...fakeRemotesEnv({ smtp, gitlab }, { mailFrom: 'Support <support@vendor.example>' }),
          LIFELINE_RATE_LIMIT_PER_MINUTE: '100000',
          LIFELINE_RETRY_BASE_MS: '200',
        },
        // 2 × 8 + 4 × (4 + 1 listening) = 36 connections: the suite shares the server.
        apiEnv: { DATABASE_POOL_MAX: '8' },
        workerEnv: { DATABASE_POOL_MAX: '4' },
      });
    });
    after(async () => {
      const exits = await cluster?.stop();
      await smtp?.stop();
      await gitlab?.stop();
      await database?.drop();
      assert.ok(
        exits?.every((exit) => exit.code === 0),
        `every process drained and exited 0 on SIGTERM: ${JSON.stringify(exits)}`,
      );
    });

    it('turns 1,000 concurrent submissions into one license, email and closed issue per request', async () => {
      const started = Date.now();
      const run = started.toString(36);
      const bodies = Array.from({ length: distinct }, (_, i) => customerRequest(`c${i}-${run}`));
      const submissions: Array<{ request: number; api: number; key?: string }> = [];
      bodies.forEach((_, i) => {
        const key = i < keyedTwice || i % 2 === 0 ? `key-${run}-${i}` : undefined;
        submissions.push({ request: i, api: i, ...(key && { key }) });
        // The same request again, to the other API process.
        if (i < keyedTwice + unkeyedTwice) {
          submissions.push({ request: i, api: i + 1, ...(key && { key }) });
        }
      });
      assert.equal(submissions.length, 1_000);

      const answers = await Promise.all(
        submissions.map(async (s) => ({
          ...s,
          answer: await cluster.submit(s.api, bodies[s.request], s.key),
        })),
      );
      const submittedIn = Date.now() - started;
      // Busy answers are the service's backpressure working (a pool wait that ran out), not a
      // fault: the client sent those again. Reported, so a run that needed many shows it.
      const busyAnswers = answers.reduce((sum, { answer }) => sum + answer.busyAnswers, 0);
      const refused = answers.filter(({ answer }) => answer.status !== 202);
      assert.equal(
        refused.length,
        0,
        `${refused.length} submissions not accepted, e.g. ${JSON.stringify(refused[0]?.answer)}; ` +
          `logs:\n${cluster.logs().slice(-6_000)}`,
      );
      const idOf = new Map<number, string>();
      for (const { request, answer } of answers) {
        const id = idOf.get(request) ?? answer.body.id;
        assert.equal(answer.body.id, id, `both answers to request ${request} name one request`);
        idOf.set(request, id);
      }
      const ids = new Set(idOf.values());
      assert.equal(ids.size, distinct);

      const db = cluster.store.db;
      const deadline = Date.now() + 80_000;
      for (;;) {
        const unfinished = await db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('state', 'not in', ['succeeded', 'cancelled'])
          // A cover's reminders and lapse are due days from now: not work left to do here.
          .where((eb) =>
            eb.or([eb('state', '!=', 'pending'), eb('run_at', '<=', Date.now() + 3_600_000)]),
          )
          .executeTakeFirstOrThrow();
        const closed = await db
          .selectFrom('requests')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('state', '=', 'succeeded')
          .where('tracker_issue_state', '=', 'closed')
          .executeTakeFirstOrThrow();
        if (Number(unfinished.count) === 0 && Number(closed.count) === distinct) break;
        if (Date.now() > deadline) {
          assert.fail(
            `after 80 s: ${closed.count}/${distinct} requests done, ${unfinished.count} jobs unfinished; logs:\n${cluster.logs().slice(-6_000)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const finishedIn = Date.now() - started;

      const requests = await db.selectFrom('requests').select(['id', 'state']).execute();
      assert.equal(requests.length, distinct, 'no request twice, none lost');
      assert.deepEqual(new Set(requests.map((r) => r.id)), ids);

      const licenses = await db.selectFrom('licenses').select('request_id').execute();
      assert.equal(licenses.length, distinct);
      assert.deepEqual(new Set(licenses.map((l) => l.request_id)), ids, 'one license each');

      const mailed = new Map<string, number>();
      for (const mail of smtp.messages) {
        const header = mail.headers.get('x-lifeline-request');
        const id = typeof header === 'string' ? header : '';
        mailed.set(id, (mailed.get(id) ?? 0) + 1);
      }
      assert.equal(smtp.messages.length, distinct, 'one email each');
      assert.deepEqual(new Set(mailed.keys()), ids);

      assert.equal(gitlab.issues.length, distinct, 'one tracker issue each');
      assert.ok(gitlab.issues.every((issue) => issue.state === 'closed'));
      const issueRequests = gitlab.issues.map(
        (issue) => /<!-- lifeline-request-id: (\S+) -->/.exec(issue.description ?? '')?.[1],
      );
      assert.deepEqual(new Set(issueRequests), ids, 'each issue is the issue of its own request');

      const attempts = await db
        .selectFrom('jobs')
        .select(['locked_by', 'attempts'])
        .where('attempts', '>', 1)
        .execute();
      process.stderr.write(
        `scale: ${submissions.length} submissions answered in ${submittedIn} ms ` +
          `(${busyAnswers} busy answers sent again); ` +
          `${distinct} requests finished in ${finishedIn} ms ` +
          `(${((distinct * 1000) / finishedIn).toFixed(1)} requests/s, ` +
          `${attempts.length} job attempts beyond the first)\n`,
      );
    });
  });
}
