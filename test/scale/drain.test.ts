/**
 * SIGTERM drains a worker process: it claims nothing new, lets the step it is running finish
 * within the grace period, hands back what outlasts it, and exits 0. The step is held in the
 * middle of an email by an SMTP server that does not answer the message until told to.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { testDatabases } from '../support/databases.js';
import { eventually } from '../support/service.js';
import { customerRequest, startCluster, type Cluster } from './cluster.js';

/** A real SMTP server that, while holding, keeps every message waiting for its final answer. */
async function startGatedSmtpServer() {
  const accepted: string[] = [];
  let held: Array<() => void> = [];
  let holding = true;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    closeTimeout: 50,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const accept = () => {
          simpleParser(Buffer.concat(chunks)).then(
            (mail) => {
              const header = mail.headers.get('x-lifeline-request');
              accepted.push(typeof header === 'string' ? header : '');
              callback(null);
            },
            (error: unknown) => callback(error as Error),
          );
        };
        if (holding) held.push(accept);
        else accept();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** Request ids of the messages the server accepted. */
    accepted,
    heldCount: () => held.length,
    /** Answers the waiting messages and lets the next ones through. */
    release() {
      holding = false;
      for (const accept of held.splice(0)) accept();
    },
    hold() {
      holding = true;
    },
    /** Forgets waiting messages whose sender died (they were never accepted). */
    dropHeld() {
      held = [];
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const database of testDatabases) {
  describe(`SIGTERM drains a worker process (${database.name})`, () => {
    let smtp: Awaited<ReturnType<typeof startGatedSmtpServer>>;
    let cluster: Cluster;
    let cleanUp: () => Promise<void>;

    before(async () => {
      const created = await database.create();
      const directory = mkdtempSync(join(tmpdir(), 'lifeline-drain-'));
      cleanUp = async () => {
        await created.drop();
        rmSync(directory, { recursive: true, force: true });
      };
      smtp = await startGatedSmtpServer();
      cluster = await startCluster({
        // Two processes on one SQLite file on one machine work too (one writer at a time).
        databaseUrl: created.url ?? `sqlite:${join(directory, 'lifeline.db')}`,
        apis: 1,
        workers: 0,
        env: {
          ...fakeRemotesEnv({ smtp }, { mailFrom: 'Support <support@vendor.example>' }),
          SMTP_POOL: 'false',
          LIFELINE_JOB_POLL_MS: '100',
        },
      });
    });
    after(async () => {
      smtp?.release();
      await cluster?.stop();
      await smtp?.stop();
      await cleanUp?.();
    });

    // The bound only decides when to give up: a worker process starting under a full test
    // run's load has taken over 15 s to reach its first step. A failure shows every process's log.
    const until = (check: () => Promise<boolean> | boolean, what: string) =>
      eventually(async () => (await check()) || undefined, 60_000, what).catch((error: Error) => {
        throw new Error(`${error.message}; logs:\n${cluster.logs()}`);
      });
    const jobOf = (requestId: string, kind: string) =>
      cluster.store.db
        .selectFrom('jobs')
        .selectAll()
        .where('request_id', '=', requestId)
        .where('kind', '=', kind)
        .executeTakeFirst();

    it('finishes the running step, claims nothing new, and hands back what outlasts the grace period', async () => {
      const run = Date.now().toString(36);
      const first = cluster.addWorker();
      const a = await cluster.submit(0, customerRequest(`drain-a-${run}`));
      assert.equal(a.status, 202);
      await until(() => smtp.heldCount() === 1, 'the first email to be in flight');

      first.child.kill('SIGTERM');
      // The signal is handled asynchronously: submit only once the worker says it is draining.
      await until(() => first.stderr().includes('draining'), 'the worker to start draining');
      const b = await cluster.submit(0, customerRequest(`drain-b-${run}`));
      assert.equal(b.status, 202);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(first.child.exitCode, null, 'still draining while its step runs');
      assert.equal(
        (await jobOf(b.body.id, 'generate_license'))?.state,
        'pending',
        'a draining worker claims no new job',
      );

      smtp.release();
      const exit = await first.exited;
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.deepEqual(smtp.accepted, [a.body.id]);
      const sent = await jobOf(a.body.id, 'send_email');
      assert.equal(sent?.state, 'succeeded', 'the step in flight finished');
      assert.equal((await jobOf(b.body.id, 'generate_license'))?.state, 'pending');

      // Now a step that outlasts the grace period.
      smtp.hold();
      const second = cluster.addWorker({}, ['--grace', '1']);
      await until(() => smtp.heldCount() === 1, "the second request's email to be in flight");
      const stoppedAt = Date.now();
      second.child.kill('SIGTERM');
      const secondExit = await second.exited;
      assert.deepEqual(secondExit, { code: 0, signal: null });
      // Under load a process takes a while to exit; the bound only tells the 1 s grace given
      // from the 10 s default.
      const tookMs = Date.now() - stoppedAt;
      assert.ok(tookMs < 9_000, `left ${tookMs} ms after SIGTERM: the --grace of 1 s was ignored`);
      smtp.dropHeld();
      const handedBack = await jobOf(b.body.id, 'send_email');
      assert.equal(handedBack?.state, 'pending', 'handed back to the queue');
      assert.equal(handedBack?.locked_by, null);
      assert.equal(handedBack?.attempts, 0, 'the unfinished attempt was given back');

      smtp.release();
      const third = cluster.addWorker();
      await until(
        async () => (await jobOf(b.body.id, 'send_email'))?.state === 'succeeded',
        'another worker to send it',
      );
      assert.deepEqual(smtp.accepted, [a.body.id, b.body.id]);
      await third.kill('SIGTERM');
      assert.equal((await third.exited).code, 0);
    });
  });
}
