/**
 * A request's life at its own seam, on both databases and without HTTP: submitted through
 * submitRequest, carried out by the real worker on a clock that stands still, retried, resent
 * and failed through their public functions. A failure names the step it stopped at.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resendLicense } from '../../../src/requests/resend-license.js';
import { retryRequest } from '../../../src/requests/retry-request.js';
import { submissionSchema } from '../../../src/requests/submission.js';
import { submitRequest } from '../../../src/requests/submit-request.js';
import { fakeRemotesEnv } from '../../fakes/remote-env.js';
import { startFakeSmtpServer, type FakeSmtpServer } from '../../fakes/smtp-server.js';
import { testDatabases } from '../../support/databases.js';
import { screenshotBody } from '../../support/requests.js';
import { runUntilIdle } from '../../support/run-until-idle.js';
import { startTestService, type TestService } from '../../support/service.js';
import { stillClock } from '../../support/still-clock.js';

for (const database of testDatabases) {
  describe(`a request's steps at the seam (${database.name})`, () => {
    const clock = stillClock('2026-11-28T12:00:00Z');
    let smtp: FakeSmtpServer;
    let lifeline: TestService;
    let customer = 0;
    // The service's warnings and errors (a step's failure, a worker error), so a test that
    // times out waiting for the worker says what went wrong inside it.
    const warnings: string[] = [];

    before(async () => {
      smtp = await startFakeSmtpServer();
      lifeline = await startTestService(
        { ...fakeRemotesEnv({ smtp }), LIFELINE_LOG_LEVEL: 'warn' },
        {
          clock,
          database,
          roles: { api: false, worker: true },
          logs: { write: (line) => void warnings.push(line.trim()) },
        },
      );
    });
    after(async () => {
      await lifeline.stop();
      await smtp.stop();
    });

    const db = () => lifeline.service.store.db;
    // The service's instant, which jobs are timed and retried by: on PostgreSQL the database's
    // (the still clock plus the offset measured at start), days from the fixture date.
    const serviceNow = () => lifeline.service.clock.now();
    const idle = () =>
      runUntilIdle(lifeline.service).catch((error: unknown) => {
        throw new Error(
          `${(error as Error).message}\nthe service's last warnings:\n${warnings.slice(-8).join('\n')}`,
        );
      });
    async function submit(): Promise<string> {
      // Each request is made on the fixture day, whatever an earlier test did with the clock.
      clock.set('2026-11-28T12:00:00Z');
      customer += 1;
      const submission = submissionSchema.parse(
        screenshotBody({}, { customerEmail: `ops@seam-${customer}.example`, userCount: 120 }),
      );
      const result = await submitRequest(lifeline.service.submit, submission, {
        name: 'seam-engineer',
        origin: 'cli',
      });
      assert.equal(result.status, 202, JSON.stringify(result.body));
      assert.equal(result.body.state, 'queued');
      return result.body.id;
    }
    const request = (id: string) =>
      db().selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const deliveries = async (id: string) =>
      Object.fromEntries(
        (
          await db()
            .selectFrom('deliveries')
            .select(['medium', 'purpose', 'state'])
            .where('request_id', '=', id)
            .orderBy('created_at')
            .execute()
        ).map((d) => [`${d.medium}:${d.purpose}`, d.state]),
      );
    const licenses = (id: string) =>
      db().selectFrom('licenses').select('fingerprint').where('request_id', '=', id).execute();
    const mailsFor = (id: string) =>
      smtp.messages.filter((m) => m.headers.get('x-lifeline-request') === id);
    const jobs = async (id: string) =>
      (
        await db()
          .selectFrom('jobs')
          .select(['kind', 'state'])
          .where('request_id', '=', id)
          .where('kind', '!=', 'cover_reminder')
          .execute()
      ).map((job) => `${job.kind}:${job.state}`);

    // When a state is not the one expected, what each of the request's jobs did says why.
    const jobDetails = async (id: string) =>
      JSON.stringify(
        await db()
          .selectFrom('jobs')
          .select(['kind', 'state', 'attempts', 'run_at', 'last_error'])
          .where('request_id', '=', id)
          .execute(),
      ) + ` (service clock ${serviceNow()})`;

    /** A request whose license email the server refused (550): failed at send_email. */
    async function refusedAtEmail() {
      smtp.failNext(550, 'No such user here');
      const id = await submit();
      await idle();
      const failed = await request(id);
      assert.equal(failed.state, 'failed', await jobDetails(id));
      assert.equal(failed.failed_step, 'send_email');
      return { id, failed };
    }

    it('runs every step once: license, email, tracker issue, notice, ticket note', async () => {
      const id = await submit();
      await idle();
      assert.equal((await request(id)).state, 'succeeded');
      assert.equal((await licenses(id)).length, 1);
      assert.equal(mailsFor(id).length, 1);
      const states = await deliveries(id);
      assert.deepEqual(
        Object.keys(states).sort(),
        ['email:license', 'notice:issued', 'ticket:issued', 'tracker:sync'],
        JSON.stringify(states),
      );
      assert.ok(
        Object.values(states).every((state) => state === 'delivered'),
        JSON.stringify(states),
      );
      for (const kind of ['generate_license', 'send_email']) {
        assert.ok(
          (await jobs(id)).includes(`${kind}:succeeded`),
          `${kind} ran: ${(await jobs(id)).join(', ')}`,
        );
      }
      // Slack and Zendesk are not configured: the notice and the note are the timeline's own
      // events, written in the transaction that moved the request, each once and with no job.
      assert.deepEqual(await jobs(id), ['generate_license:succeeded', 'send_email:succeeded']);
      const told = await db()
        .selectFrom('timeline_events')
        .select(['kind', 'message'])
        .where('request_id', '=', id)
        .where('kind', 'in', ['notice.posted', 'ticket.noted'])
        .orderBy('id')
        .execute();
      assert.deepEqual(told, [
        {
          kind: 'notice.posted',
          message: 'Notice to the licensing team (issued): timeline only (Slack not configured).',
        },
        {
          kind: 'ticket.noted',
          message: 'Internal note on the ticket (issued): timeline only (Zendesk not configured).',
        },
      ]);
      assert.ok(
        (await jobs(id)).every((job) => job.endsWith(':succeeded')),
        String(await jobs(id)),
      );
      // The built-in tracker's issue is written in the transactions that move the request.
      assert.ok(
        !(await jobs(id)).some((job) => job.startsWith('sync_tracker_issue')),
        String(await jobs(id)),
      );
      const issue = await db()
        .selectFrom('tracker_issues')
        .selectAll()
        .where('request_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(issue.state, 'closed');
      assert.match(issue.title, /^\[Success\] - Created a license under /);
      const [license] = await licenses(id);
      assert.ok(license && issue.description.includes(license.fingerprint), 'with the license');
    });

    it('retries an email the server deferred, once the backoff has passed on the clock', async () => {
      smtp.failNext(451, 'Try again later');
      const id = await submit();
      await idle();
      assert.equal(mailsFor(id).length, 0, 'deferred: no mail yet');
      const email = await db()
        .selectFrom('jobs')
        .select(['state', 'attempts', 'run_at'])
        .where('request_id', '=', id)
        .where('kind', '=', 'send_email')
        .executeTakeFirstOrThrow();
      assert.equal(email.state, 'pending');
      assert.equal(email.attempts, 1);
      assert.ok(Number(email.run_at) > serviceNow(), 'backed off into the future');
      clock.advance(Number(email.run_at) - serviceNow());
      await idle();
      assert.equal(mailsFor(id).length, 1);
      assert.equal((await request(id)).state, 'succeeded');
    });

    it('fails the request at the email step on a refusal, and retry sends the same license', async () => {
      const { id } = await refusedAtEmail();
      const [license] = await licenses(id);
      assert.ok(license);

      const { retried } = await retryRequest(db(), id, 'seam-engineer', serviceNow());
      assert.ok(retried.length > 0);
      await idle();
      assert.equal((await request(id)).state, 'succeeded', await jobDetails(id));
      assert.deepEqual(await licenses(id), [license], 'never a second license');
      const mails = mailsFor(id);
      assert.equal(mails.length, 1);
    });

    it('tells the timeline of a failure once, however often the request fails the same way', async () => {
      const toldOf = async (id: string) =>
        (
          await db()
            .selectFrom('timeline_events')
            .select(['kind', 'message'])
            .where('request_id', '=', id)
            .where('kind', 'in', ['notice.posted', 'ticket.noted'])
            .orderBy('id')
            .execute()
        ).map((event) => `${event.kind} ${/\((\w+)\)/.exec(event.message)?.[1] ?? '?'}`);
      smtp.failNext(550, 'No such user here');
      const id = await submit();
      await idle();
      assert.equal((await request(id)).state, 'failed', await jobDetails(id));
      smtp.failNext(550, 'No such user here');
      await retryRequest(db(), id, 'seam-engineer', serviceNow());
      await idle();
      assert.equal((await request(id)).state, 'failed', await jobDetails(id));
      assert.deepEqual(await toldOf(id), ['notice.posted failed', 'ticket.noted failed']);
      await retryRequest(db(), id, 'seam-engineer', serviceNow());
      await idle();
      assert.equal((await request(id)).state, 'succeeded', await jobDetails(id));
      assert.deepEqual(await toldOf(id), [
        'notice.posted failed',
        'ticket.noted failed',
        'notice.posted issued',
        'ticket.noted issued',
      ]);
      assert.ok(
        (await jobs(id)).every((job) => !/^(post_notice|note_ticket)/.test(job)),
        String(await jobs(id)),
      );
    });

    it('succeeds once the license, refused at a wrong address, is resent to the right one', async () => {
      const { id, failed } = await refusedAtEmail();
      assert.match(failed.failure_next_action ?? '', /resend the license to the right address/);
      const right = failed.customer_email.replace(/^ops@/, 'it@');
      await resendLicense(db(), id, right, 'seam-engineer', serviceNow());
      await idle();
      const settled = await request(id);
      assert.equal(settled.state, 'succeeded', await jobDetails(id));
      assert.equal(settled.failed_step, null);
      assert.equal(settled.failure_next_action, null);
      assert.equal(settled.cover_state, 'pending', 'it now waits for the renewal');
      const issue = await db()
        .selectFrom('tracker_issues')
        .select(['title', 'state'])
        .where('request_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(issue.state, 'closed');
      assert.match(issue.title, /^\[Success\] - Created a license under/);
      assert.deepEqual(
        mailsFor(id).map((m) => m.envelope.rcptTo),
        [[right]],
      );
      assert.equal((await licenses(id)).length, 1);
    });

    it('resends the same license to another address', async () => {
      const id = await submit();
      await idle();
      const { to } = await resendLicense(
        db(),
        id,
        'it@seam-other.example',
        'seam-engineer',
        serviceNow(),
      );
      assert.equal(to, 'it@seam-other.example');
      await idle();
      const mails = mailsFor(id);
      assert.equal(mails.length, 2);
      const attachments = mails.map((m) => m.attachments[0]?.content.toString('utf8'));
      assert.equal(attachments[0], attachments[1], 'the same license both times');
      assert.deepEqual(mails[1]?.envelope.rcptTo, ['it@seam-other.example']);
      assert.equal((await licenses(id)).length, 1);
    });
  });
}
