/**
 * Isolation between steps: an SMTP server that accepts connections and never answers holds only
 * the email step's own slots, and a new request's license is made while those emails still
 * hang (it used to wait for them, 65 s). A remote that keeps not answering is backed off as a
 * whole: its circuit opens, and /readyz and /metrics say so.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runningServiceChecks } from '../../src/service/running-service-checks.js';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { fixtureClock, graceEndedOn, screenshotBody } from '../support/requests.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

const expiredOn = graceEndedOn;

/** Accepts TCP connections and says nothing, ever: a hung SMTP server. */
async function startSilentServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a hung SMTP server', { timeout: 60_000 }, () => {
  let smtp: Awaited<ReturnType<typeof startSilentServer>>;
  let lifeline: TestService;
  let customer = 0;
  const submit = async () => {
    customer += 1;
    const answer = await lifeline.api('/api/v1/requests', {
      body: screenshotBody(
        { expiredOn },
        { customerEmail: `c${customer}@hung${customer}.example` },
      ),
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    return answer.body.id as string;
  };
  const emailJobs = () =>
    lifeline.service.store.db
      .selectFrom('jobs')
      .select(['request_id', 'state', 'updated_at'])
      .where('kind', '=', 'send_email')
      .execute();

  before(async () => {
    smtp = await startSilentServer();
    lifeline = await startTestService(
      {
        ...fakeRemotesEnv({ smtp }, { mailFrom: 'Support <support@vendor.example>' }),
        // The hang outlasts the test: only the slots decide who runs.
        SMTP_GREETING_TIMEOUT_MS: '120000',
        SMTP_CONNECTION_TIMEOUT_MS: '120000',
        SMTP_SEND_TIMEOUT_MS: '120000',
        LIFELINE_WORKER_CONCURRENCY: '4',
        LIFELINE_STEP_CONCURRENCY: 'send_email=2',
      },
      { clock: fixtureClock() },
    );
  });
  after(async () => {
    await lifeline?.stop();
    await smtp?.stop();
  });

  it('holds only the email slots, and a new request still gets its license', async () => {
    // Four requests: enough emails to fill every slot of the worker, were they all its.
    for (let i = 0; i < 4; i++) await submit();
    const hung = await eventually(
      async () => {
        const jobs = await emailJobs();
        const running = jobs.filter((job) => job.state === 'running');
        return jobs.length === 4 && running.length === 2 ? running : undefined;
      },
      20_000,
      'two emails hanging',
    );

    const id = await submit();
    const detail = await eventually(
      async () => {
        const { body } = await lifeline.api(`/api/v1/requests/${id}`);
        return body.license ? body : undefined;
      },
      20_000,
      'the new license',
    );
    assert.match(detail.license.fingerprint, /^[0-9a-f]{64}$/);

    // The two emails claimed before the new request still hang, and no third was let in.
    const now = await emailJobs();
    for (const job of hung) {
      const same = now.find((candidate) => candidate.request_id === job.request_id);
      assert.equal(same?.state, 'running');
    }
    assert.equal(now.filter((job) => job.state === 'running').length, 2);
  });
});

describe('a remote that keeps not answering', { timeout: 60_000 }, () => {
  let lifeline: TestService;
  before(async () => {
    // A port nothing listens on: every attempt is refused at once.
    const closed = await startSilentServer();
    await closed.stop();
    lifeline = await startTestService(
      fakeRemotesEnv({ smtp: closed }, { mailFrom: 'Support <support@vendor.example>' }),
      { clock: fixtureClock() },
    );
  });
  after(() => lifeline?.stop());

  it('is backed off as a whole, visibly in /readyz and /metrics', async () => {
    const answer = await lifeline.api('/api/v1/requests', {
      body: screenshotBody({ expiredOn }, { customerEmail: 'circuit@circuit.example' }),
    });
    assert.equal(answer.status, 202);
    const mail = await eventually(
      async () => {
        const ready = await lifeline.api('/readyz', { token: null });
        assert.equal(ready.status, 200, 'a remote that does not answer leaves the service ready');
        const remote = (ready.body.remotes ?? []).find(
          (r: { remote: string }) => r.remote === 'mail',
        );
        return remote?.state === 'open' ? remote : undefined;
      },
      30_000,
      'the mail circuit to open',
    );
    assert.equal(mail.consecutiveFailures, 5);
    assert.ok(Date.parse(mail.retryAt) > Date.now());
    const metrics = await fetch(`${lifeline.url}/metrics`).then((r) => r.text());
    assert.match(metrics, /^lifeline_remote_circuit_open\{remote="mail"\} 1$/m);
    // What `lifeline doctor` shows with LIFELINE_URL pointing at the service.
    const doctor = await runningServiceChecks(lifeline.url);
    assert.equal(doctor.find((check) => check.name === 'running service')?.ok, true);
    const circuit = doctor.find((check) => check.name === 'circuit mail');
    assert.equal(circuit?.ok, false);
    assert.deepEqual(
      doctor.filter((check) => !check.ok).map((check) => check.name),
      ['circuit mail'],
    );
    assert.match(
      circuit?.detail ?? '',
      /^open since \d{4}-\d\d-\d\dT[\d:.]+Z: 5 attempts in a row got no answer/,
    );

    // The request waits, it is not failed: its email step has attempts left for later.
    const { body } = await lifeline.api(`/api/v1/requests/${answer.body.id}`);
    assert.notEqual(body.state, 'failed');
    assert.ok(body.license, 'the license was made regardless');
    const [job] = await lifeline.service.store.db
      .selectFrom('jobs')
      .select(['state', 'attempts'])
      .where('request_id', '=', answer.body.id)
      .where('kind', '=', 'send_email')
      .execute();
    assert.equal(job?.state, 'pending');
    assert.equal(job?.attempts, 5);
  });
});
