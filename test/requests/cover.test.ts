/**
 * After delivery: the cover waits for the customer's renewal. Reminders and the lapse run on a
 * clock that jumps days (no sleeping), with two workers on one database, on SQLite and
 * PostgreSQL; a renewal is checked (trial, another customer's, too late) and closes the loop;
 * an extension is an approver's, never the requester's, and is made once.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  addDays,
  encodeLicense,
  fewestSeatsFor,
  type CalendarDate,
} from '../../src/license/index.js';
import type { LicenseAttributes } from '../../src/license/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/service/logger.js';
import { startService, type RunningService } from '../../src/service/start.js';
import { testSigningKey } from '../license/fixtures.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { jumpingClock, type JumpingClock } from '../support/jumping-clock.js';
import { screenshotBody } from '../support/requests.js';
import {
  eventually,
  startTestService,
  testSigningKeyFile,
  type TestService,
} from '../support/service.js';

/** Reminders and the lapse are due at 09:00 (LIFELINE_REMINDER_HOUR) UTC (the default zone) on their day. */
const dueAt = (day: string) => Date.parse(`${day}T09:00:00Z`);

/** A request whose grace period ended two days before the clock's today: eligible. */
function bodyFor(clock: JumpingClock, email: string) {
  return screenshotBody(
    { expiredOn: addDays(clock.today(), -16) },
    { customerEmail: email, userCount: 200 },
  );
}

/** A license file as the customer would send it, signed with the test key (an evidence key). */
function customerLicense(options: {
  email: string;
  company?: string;
  issuedAt: string;
  expiresAt: string;
  trial?: boolean;
  plan?: 'premium' | 'ultimate';
  users?: number;
}): string {
  const attributes: LicenseAttributes = {
    version: 1,
    licensee: {
      Name: 'Admin',
      Email: options.email,
      ...(options.company && { Company: options.company }),
    },
    issued_at: options.issuedAt as CalendarDate,
    expires_at: options.expiresAt as CalendarDate,
    cloud_licensing_enabled: false,
    offline_cloud_licensing_enabled: false,
    auto_renew_enabled: false,
    seat_reconciliation_enabled: false,
    operational_metrics_enabled: false,
    generated_from_customers_dot: true,
    generated_from_cancellation: false,
    restrictions: {
      active_user_count: options.users ?? 300,
      plan: options.plan ?? 'premium',
      ...(options.trial && { trial: true }),
    },
  };
  return encodeLicense(attributes, testSigningKey());
}

async function delivered(lifeline: TestService, id: string) {
  return eventually(
    async () => {
      const { body } = await lifeline.api(`/api/v1/requests/${id}`);
      return body.state === 'succeeded' && body.renewal?.state === 'pending' ? body : undefined;
    },
    20_000,
    'the request to be delivered',
  );
}

/**
 * Waits until no job is due or running: a jump never lands in the middle of a step. Due by the
 * service's clock, which jobs are timed by (on PostgreSQL the database's: see runUntilIdle).
 */
async function quiet(lifeline: TestService) {
  const clock = lifeline.service.clock;
  await eventually(
    async () => {
      const busy = await lifeline.service.store.db
        .selectFrom('jobs')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('state', '=', 'running'),
            eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', clock.now())]),
          ]),
        )
        .executeTakeFirst();
      return busy ? undefined : true;
    },
    20_000,
    'the queue to be quiet',
  );
}

async function events(lifeline: TestService, id: string, kind: string) {
  return lifeline.service.store.db
    .selectFrom('timeline_events')
    .select(['message', 'data'])
    .where('request_id', '=', id)
    .where('kind', '=', kind)
    .execute();
}

/** A second worker process's worth of service on the same database, with the same clock. */
async function secondWorker(
  lifeline: TestService,
  clock: JumpingClock,
  database: TestDatabase,
  env: Record<string, string> = {},
): Promise<RunningService> {
  const config = loadConfig({
    LIFELINE_DATA_DIR: lifeline.dataDir,
    DATABASE_URL: lifeline.service.config.databaseUrl,
    LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
    LIFELINE_JOB_POLL_MS: '20',
    LIFELINE_RETRY_BASE_MS: '50',
    LIFELINE_RETRY_MAX_MS: '500',
    LIFELINE_LOG_LEVEL: 'silent',
    LIFELINE_REMINDER_EMAIL_CUSTOMER: 'on',
    ...env,
  });
  assert.ok(database.name);
  return startService(config, {
    roles: { api: false, worker: true },
    logger: createLogger('silent'),
    clock,
  });
}

/**
 * The next change of Europe/Berlin to summer time (01:00 UTC on the last Sunday of March) at
 * least 30 days after now: the clock only jumps forward, so the test never depends on the date.
 */
function nextBerlinSummerTime(now: number): { day: string; at: number } {
  for (let year = new Date(now).getUTCFullYear(); ; year += 1) {
    const lastOfMarch = new Date(Date.UTC(year, 2, 31));
    const day = addDays(
      lastOfMarch.toISOString().slice(0, 10) as CalendarDate,
      -lastOfMarch.getUTCDay(),
    );
    const at = Date.parse(`${day}T01:00:00Z`);
    if (at > now + 30 * 86_400_000) return { day, at };
  }
}

for (const database of testDatabases) {
  describe(
    `reminders at 09:00 in Berlin across the change to summer time, two workers (${database.name})`,
    { timeout: 90_000 },
    () => {
      const clock = jumpingClock();
      const zone = { LIFELINE_REMINDER_TIME_ZONE: 'Europe/Berlin', LIFELINE_REMINDER_DAYS: '5,1' };
      let lifeline: TestService;
      let other: RunningService;
      const summer = nextBerlinSummerTime(clock.now());
      before(async () => {
        lifeline = await startTestService(
          { LIFELINE_JOB_POLL_MS: '20', ...zone },
          { database, clock },
        );
        other = await secondWorker(lifeline, clock, database, zone);
      });
      after(async () => {
        await other.stop(2_000);
        await lifeline.stop();
      });

      it('sends each reminder, and the lapse, once, at 09:00 Berlin time on its day', async () => {
        // Nine days before the change, so the 5-day reminder falls before it and the rest after.
        // (After start: on PostgreSQL the service measures its clock against the database's then.)
        clock.jumpTo(summer.at - 9 * 86_400_000 + 9 * 3_600_000);
        const created = await lifeline.api('/api/v1/requests', {
          body: bodyFor(clock, 'it@wonka.example'),
        });
        assert.equal(created.status, 202, JSON.stringify(created.body));
        const id: string = created.body.id;
        const endsOn = (await delivered(lifeline, id)).license.expiresAt as CalendarDate;
        await quiet(lifeline);
        const steps = [
          { key: 'reminder-5d-L0', day: addDays(endsOn, -5), kind: 'cover.reminded' },
          { key: 'reminder-1d-L0', day: addDays(endsOn, -1), kind: 'cover.reminded' },
          { key: 'lapsed-L0', day: endsOn, kind: 'cover.lapsed' },
        ];
        assert.ok(steps[0] && steps[0].day < summer.day && steps[1] && steps[1].day >= summer.day);
        // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
        const due = (day: string) => Date.parse(`${day}T0${day < summer.day ? 8 : 7}:00:00Z`);
        const queued = await lifeline.service.store.db
          .selectFrom('jobs')
          .select(['unique_key', 'run_at'])
          .where('request_id', '=', id)
          .where('kind', '=', 'cover_reminder')
          .orderBy('run_at')
          .execute();
        assert.deepEqual(
          queued.map((job) => [job.unique_key, new Date(Number(job.run_at)).toISOString()]),
          steps.map((step) => [
            `cover_reminder:${id}:${step.key}`,
            new Date(due(step.day)).toISOString(),
          ]),
        );

        let reminded = 0;
        for (const step of steps) {
          const before = (await events(lifeline, id, step.kind)).length;
          clock.jumpTo(due(step.day) - 60_000);
          await quiet(lifeline);
          assert.equal(
            (await events(lifeline, id, step.kind)).length,
            before,
            `${step.key} not early`,
          );
          clock.jumpTo(due(step.day));
          await eventually(
            async () =>
              (await events(lifeline, id, step.kind)).length > before ? true : undefined,
            20_000,
            step.key,
          );
          await quiet(lifeline);
          if (step.kind === 'cover.reminded') reminded += 1;
        }
        assert.equal((await events(lifeline, id, 'cover.reminded')).length, reminded);
        assert.equal((await events(lifeline, id, 'cover.lapsed')).length, 1);
        const notices = (await events(lifeline, id, 'notice.posted')).filter((e) =>
          steps.some((step) => e.message.includes(`(${step.key})`)),
        );
        assert.equal(notices.length, steps.length, 'one notice per reminder and the lapse');
        assert.equal((await lifeline.api(`/api/v1/requests/${id}`)).body.renewal.state, 'lapsed');
      });
    },
  );

  describe(`cover reminders and lapse, two workers (${database.name})`, { timeout: 90_000 }, () => {
    const clock = jumpingClock();
    let lifeline: TestService;
    let other: RunningService;
    before(async () => {
      lifeline = await startTestService(
        { LIFELINE_JOB_POLL_MS: '20', LIFELINE_REMINDER_EMAIL_CUSTOMER: 'on' },
        { database, clock },
      );
      other = await secondWorker(lifeline, clock, database);
    });
    after(async () => {
      await other.stop(2_000);
      await lifeline.stop();
    });

    it('reminds 3 and 1 days before the end, then lapses, each exactly once', async () => {
      const created = await lifeline.api('/api/v1/requests', {
        body: bodyFor(clock, 'it@hooli.example'),
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      const id: string = created.body.id;
      const request = await delivered(lifeline, id);
      const endsOn: string = request.license.expiresAt;
      assert.equal(request.renewal.temporaryLicenseEndsOn, endsOn);
      assert.equal(request.renewal.extensions, 0);
      await quiet(lifeline);
      assert.equal((await events(lifeline, id, 'cover.reminded')).length, 0);

      for (const [days, jumps] of [
        [3, 1],
        [1, 2],
      ] as const) {
        clock.jumpTo(dueAt(addDays(endsOn as CalendarDate, -days)) + 60_000);
        await eventually(
          async () =>
            (await events(lifeline, id, 'cover.reminded')).length >= jumps ? true : undefined,
          20_000,
          `the ${days}-day reminder`,
        );
        await quiet(lifeline);
      }
      const stillPending = await lifeline.api(`/api/v1/requests/${id}`);
      assert.equal(stillPending.body.renewal.state, 'pending');

      clock.jumpTo(dueAt(endsOn) + 60_000);
      await eventually(async () => {
        const { body } = await lifeline.api(`/api/v1/requests/${id}`);
        return body.renewal.state === 'lapsed' ? true : undefined;
      });
      await quiet(lifeline);

      const reminders = await events(lifeline, id, 'cover.reminded');
      assert.equal(reminders.length, 2);
      assert.match(reminders[0]?.message ?? '', /3 days before it ends/);
      assert.match(reminders[1]?.message ?? '', /1 day before it ends/);
      assert.equal((await events(lifeline, id, 'cover.lapsed')).length, 1);

      const db = lifeline.service.store.db;
      const keys = ['reminder-3d-L0', 'reminder-1d-L0', 'lapsed-L0'];
      for (const key of keys) {
        const rows = await db
          .selectFrom('deliveries')
          .select(['medium', 'state'])
          .where('request_id', '=', id)
          .where('purpose', '=', key)
          .orderBy('medium')
          .execute();
        assert.deepEqual(
          rows.map((row) => `${row.medium}:${row.state}`),
          [
            ...(key.startsWith('reminder') ? ['email:delivered'] : []),
            'notice:delivered',
            'ticket:delivered',
            'tracker:delivered',
          ],
          key,
        );
        const posted = (await events(lifeline, id, 'notice.posted')).filter((e) =>
          e.message.includes(`(${key})`),
        );
        assert.equal(posted.length, 1, `one notice for ${key}`);
        const noted = (await events(lifeline, id, 'ticket.noted')).filter((e) =>
          e.message.includes(`(${key})`),
        );
        assert.equal(noted.length, 1, `one ticket note for ${key}`);
      }
      const comments = await db
        .selectFrom('tracker_issue_comments')
        .select(['key', 'body'])
        .where('issue_number', '=', Number(request.trackerIssue.number))
        .orderBy('created_at')
        .execute();
      assert.deepEqual(comments.map((c) => c.key).sort(), [...keys].sort());
      const lapsed = comments.find((c) => c.key === 'lapsed-L0');
      assert.match(lapsed?.body ?? '', /ended with no renewal/);
      assert.match(lapsed?.body ?? '', new RegExp(request.ticket.url.replace(/[./]/g, '\\$&')));
      const jobs = await db
        .selectFrom('jobs')
        .select(['state'])
        .where('request_id', '=', id)
        .where('kind', '=', 'cover_reminder')
        .execute();
      assert.deepEqual(
        jobs.map((job) => job.state),
        ['succeeded', 'succeeded', 'succeeded'],
      );

      const outbox = join(lifeline.dataDir, 'outbox');
      const reminderMails = readdirSync(outbox)
        .filter((name) => /_email_reminder-\dd-L0\.eml$/.test(name))
        .map((name) => readFileSync(join(outbox, name), 'utf8'));
      assert.equal(reminderMails.length, 2, 'one customer email per reminder');
      assert.match(reminderMails[0] ?? '', /^To: it@hooli\.example/m);
      assert.doesNotMatch(reminderMails[0] ?? '', /Content-Disposition: attachment/i);
      const metrics = await fetch(`${lifeline.url}/metrics`).then((r) => r.text());
      assert.match(metrics, /^lifeline_covers\{state="lapsed"\} 1$/m);
      assert.match(metrics, /^lifeline_covers\{state="pending"\} 0$/m);
      assert.match(metrics, /^lifeline_cover_reminders_sent\{event="reminder"\} 2$/m);
      assert.match(metrics, /^lifeline_cover_reminders_sent\{event="lapsed"\} 1$/m);
    });
  });

  describe(`renewal (${database.name})`, { timeout: 90_000 }, () => {
    const clock = jumpingClock();
    let lifeline: TestService;
    let id = '';
    let endsOn = '';
    before(async () => {
      lifeline = await startTestService({}, { database, clock });
      const created = await lifeline.api('/api/v1/requests', {
        body: bodyFor(clock, 'ops@globex.example'),
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      id = created.body.id;
      endsOn = (await delivered(lifeline, id)).license.expiresAt;
    });
    after(() => lifeline.stop());

    const renew = (licenseFile: string, token?: string) =>
      lifeline.api(`/api/v1/requests/${id}/renewal`, {
        body: { licenseFile },
        ...(token && { token }),
      });

    it('refuses a trial, another customer’s license and one that starts too late, each with a sentence', async () => {
      const start = addDays(endsOn as CalendarDate, -2);
      const yearLater = addDays(endsOn as CalendarDate, 365);
      const trial = await renew(
        customerLicense({
          email: 'ops@globex.example',
          issuedAt: start,
          expiresAt: yearLater,
          trial: true,
        }),
      );
      assert.equal(trial.status, 422);
      assert.equal(trial.body.error.code, 'RENEWAL_REFUSED');
      assert.match(trial.body.error.message, /is a Premium trial, not a renewal/);

      const otherCustomer = await renew(
        customerLicense({
          email: 'admin@initech.example',
          company: 'Initech',
          issuedAt: start,
          expiresAt: yearLater,
        }),
      );
      assert.equal(otherCustomer.status, 422);
      assert.match(
        otherCustomer.body.error.message,
        /for another customer \(Initech, admin@initech\.example\)/,
      );

      const late = addDays(endsOn as CalendarDate, 1);
      const tooLate = await renew(
        customerLicense({ email: 'ops@globex.example', issuedAt: late, expiresAt: yearLater }),
      );
      assert.equal(tooLate.status, 422);
      assert.match(
        tooLate.body.error.message,
        new RegExp(`starts on ${late}, after the temporary license ends \\(${endsOn}\\)`),
      );

      const garbage = await renew('not a license at all');
      assert.equal(garbage.status, 422);
      assert.ok(garbage.body.error.message.length > 20);

      const { body } = await lifeline.api(`/api/v1/requests/${id}`);
      assert.equal(body.renewal.state, 'pending');
      assert.equal((await events(lifeline, id, 'cover.renewed')).length, 0);
    });

    it('lets only an approver mark it done without the file, and only with a reason', async () => {
      const byEngineer = await lifeline.api(`/api/v1/requests/${id}/renewal`, {
        body: { reason: 'Renewed by phone' },
      });
      assert.equal(byEngineer.status, 403);
      const empty = await lifeline.api(`/api/v1/requests/${id}/renewal`, {
        body: {},
        token: lifeline.tokens.approver,
      });
      assert.equal(empty.status, 400);
      assert.match(
        empty.body.error.message,
        /licenseFile .*or, as an approver without the file, a reason/,
      );
    });

    it('records the renewal from the customer’s file, tells everyone, and cancels the reminders', async () => {
      const startsOn = addDays(endsOn as CalendarDate, -1);
      const expiresOn = addDays(endsOn as CalendarDate, 365);
      const accepted = await renew(
        customerLicense({
          email: 'it@globex.example',
          issuedAt: startsOn,
          expiresAt: expiresOn,
          users: 320,
          plan: 'ultimate',
        }),
      );
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      const { body } = await lifeline.api(`/api/v1/requests/${id}`);
      assert.equal(body.renewal.state, 'renewed');
      assert.equal(body.renewal.plan, 'ultimate');
      assert.equal(body.renewal.userCount, 320);
      assert.equal(body.renewal.startsOn, startsOn);
      assert.equal(body.renewal.expiresOn, expiresOn);
      assert.equal(body.renewal.source, 'license_file');
      assert.equal(body.renewal.recordedBy, 'test-engineer');

      await eventually(async () => {
        const { body: now } = await lifeline.api(`/api/v1/requests/${id}`);
        const renewed = now.deliveries.filter((d: { purpose: string }) => d.purpose === 'renewed');
        return renewed.length === 3 &&
          renewed.every((d: { state: string }) => d.state === 'delivered')
          ? true
          : undefined;
      });
      const comment = await lifeline.service.store.db
        .selectFrom('tracker_issue_comments')
        .select('body')
        .where('key', '=', 'renewed')
        .executeTakeFirstOrThrow();
      // The address is escaped in GitLab markdown, so it can never mention anyone.
      assert.match(comment.body, /Renewal recorded for ops\\@globex\.example/);
      assert.match(comment.body, /ultimate, 320 seats/);

      const audit = await lifeline.api(`/api/v1/audit?action=request.renewed&request=${id}`, {
        token: lifeline.tokens.approver,
      });
      assert.equal(audit.body.items.length, 1);
      assert.equal(audit.body.items[0].actor, 'test-engineer');

      // The reminders and the lapse still run on their days, and find nothing to do.
      clock.jumpTo(dueAt(endsOn) + 60_000);
      await eventually(async () => {
        const open = await lifeline.service.store.db
          .selectFrom('jobs')
          .select('id')
          .where('request_id', '=', id)
          .where('kind', '=', 'cover_reminder')
          .where('state', '!=', 'succeeded')
          .executeTakeFirst();
        return open ? undefined : true;
      });
      assert.equal((await events(lifeline, id, 'cover.reminded')).length, 0);
      assert.equal((await events(lifeline, id, 'cover.lapsed')).length, 0);
      const later = await lifeline.api(`/api/v1/requests/${id}`);
      assert.equal(later.body.renewal.state, 'renewed');

      const again = await renew(
        customerLicense({ email: 'it@globex.example', issuedAt: startsOn, expiresAt: expiresOn }),
      );
      assert.equal(again.status, 409);
      assert.match(
        again.body.error.message,
        /already recorded \(by test-engineer at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)\.$/,
      );
    });
  });

  describe(`extension (${database.name})`, { timeout: 90_000 }, () => {
    const clock = jumpingClock();
    let lifeline: TestService;
    before(async () => {
      lifeline = await startTestService({}, { database, clock });
    });
    after(() => lifeline.stop());

    it('says a rejected request has no cover, rather than one not delivered yet', async () => {
      const rejected = await lifeline.api('/api/v1/requests', {
        // Still in its grace period: the policy rejects it.
        body: screenshotBody(
          { expiredOn: addDays(clock.today(), -3) },
          { customerEmail: 'ops@rejected-cover.example', userCount: 200 },
        ),
      });
      assert.equal(rejected.status, 422, JSON.stringify(rejected.body));
      const extension = await lifeline.api(`/api/v1/requests/${rejected.body.id}/extension`, {
        body: { reason: 'Renewal delayed by procurement' },
        token: lifeline.tokens.approver,
      });
      assert.equal(extension.status, 409);
      assert.match(
        extension.body.error.message,
        /^This request was rejected: it has no license, so there is no cover to extend\.$/,
      );
      const renewal = await lifeline.api(`/api/v1/requests/${rejected.body.id}/renewal`, {
        body: { reason: 'Renewed by phone' },
        token: lifeline.tokens.approver,
      });
      assert.equal(renewal.status, 409, JSON.stringify(renewal.body));
      assert.match(
        renewal.body.error.message,
        /rejected: it has no license, so there is no cover to renew/,
      );
    });

    it('refuses the requester, even an approver', async () => {
      const created = await lifeline.api('/api/v1/requests', {
        body: bodyFor(clock, 'root@umbrella.example'),
        token: lifeline.tokens.approver,
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      await delivered(lifeline, created.body.id);
      const own = await lifeline.api(`/api/v1/requests/${created.body.id}/extension`, {
        body: { reason: 'Renewal delayed by procurement' },
        token: lifeline.tokens.approver,
      });
      assert.equal(own.status, 403);
      assert.equal(own.body.error.code, 'FORBIDDEN');
      assert.match(
        own.body.error.message,
        /You asked for this emergency license, so another approver must extend it/,
      );
      const byEngineer = await lifeline.api(`/api/v1/requests/${created.body.id}/extension`, {
        body: { reason: 'Renewal delayed by procurement' },
      });
      assert.equal(byEngineer.status, 403);
    });

    it('refuses an extension with fewer seats than the customer’s GitLab accepts, naming the fewest', async () => {
      const created = await lifeline.api('/api/v1/requests', {
        body: bodyFor(clock, 'admin@initech.example'),
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      await delivered(lifeline, created.body.id);
      const ask = (userCount: number) =>
        lifeline.api(`/api/v1/requests/${created.body.id}/extension`, {
          body: { reason: 'Renewal PO stuck in procurement', userCount },
          token: lifeline.tokens.approver,
        });
      // The evidence's 200 maximum users: GitLab refuses a license below them less its 10 %.
      const fewest = fewestSeatsFor(200);
      const refused = await ask(10);
      assert.equal(refused.status, 422);
      assert.equal(refused.body.error.code, 'EXTENSION_REFUSED');
      assert.match(
        refused.body.error.message,
        new RegExp(
          `^GitLab would refuse 10 users: .* The smallest user count it accepts is ${fewest}\\.$`,
        ),
      );
      assert.equal((await ask(fewest - 1)).status, 422);
      const jobs = await lifeline.service.store.db
        .selectFrom('jobs')
        .select('id')
        .where('request_id', '=', created.body.id)
        .where('kind', '=', 'extend_license')
        .execute();
      assert.deepEqual(jobs, [], 'a refused extension queues nothing');
      const accepted = await ask(fewest);
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      assert.equal(accepted.body.userCount, fewest);
    });

    it('extends once, signed by a worker, with a new license in the lineage, even when asked twice at once', async () => {
      const created = await lifeline.api('/api/v1/requests', {
        body: bodyFor(clock, 'admin@soylent.example'),
      });
      const id: string = created.body.id;
      const first = await delivered(lifeline, id);
      // Two days on, so the extension is dated from later than the first license.
      clock.jumpTo(clock.now() + 2 * 86_400_000);
      const ask = () =>
        lifeline.api(`/api/v1/requests/${id}/extension`, {
          body: { reason: 'Renewal PO stuck in procurement', userCount: 250 },
          token: lifeline.tokens.approver,
        });
      const answers = await Promise.all([ask(), ask()]);
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [202, 409], JSON.stringify(answers.map((a) => a.body)));
      const asked = answers.find((a) => a.status === 202)?.body;
      assert.deepEqual(asked, { id, state: 'pending', lineage: 1, userCount: 250 });
      assert.match(
        answers.find((a) => a.status === 409)?.body.error.message,
        // The second ask lands while the first is queued, or after its job already made it.
        /already being made|already extended once|changed meanwhile/,
      );

      const body = await eventually(async () => {
        const { body: now } = await lifeline.api(`/api/v1/requests/${id}`);
        return now.renewal.extension?.state === 'made' ? now : undefined;
      });
      assert.deepEqual(body.renewal.extension, {
        state: 'made',
        lineage: 1,
        userCount: 250,
        requestedBy: 'test-approver',
        reason: 'Renewal PO stuck in procurement',
      });
      const made = body.licenses[1];
      assert.equal(made.userCount, 250);
      assert.notEqual(made.fingerprint, first.license.fingerprint);
      assert.equal(body.renewal.state, 'extended');
      assert.equal(body.renewal.extensions, 1);
      assert.deepEqual(
        body.licenses.map((l: { lineageIndex: number }) => l.lineageIndex),
        [0, 1],
      );
      assert.equal(body.licenses[0].fingerprint, first.license.fingerprint);
      assert.equal(body.licenses[1].fingerprint, made.fingerprint);
      assert.ok(body.licenses[1].expiresAt > body.licenses[0].expiresAt);
      assert.equal(body.renewal.temporaryLicenseEndsOn, body.licenses[1].expiresAt);
      assert.equal(body.license.fingerprint, made.fingerprint);

      await eventually(async () => {
        const { body: now } = await lifeline.api(`/api/v1/requests/${id}`);
        const email = now.deliveries.find((d: { purpose: string }) => d.purpose === 'extension');
        return email?.state === 'delivered' ? true : undefined;
      });
      const third = await ask();
      assert.equal(third.status, 409);
      assert.match(
        third.body.error.message,
        /already extended once \(LIFELINE_EXTENSIONS_MAX = 1\)/,
      );
      const count = await lifeline.service.store.db
        .selectFrom('licenses')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('request_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 2);
      const jobs = await lifeline.service.store.db
        .selectFrom('jobs')
        .select(['state', 'unique_key'])
        .where('request_id', '=', id)
        .where('kind', '=', 'extend_license')
        .execute();
      assert.deepEqual(jobs, [{ state: 'succeeded', unique_key: `extend_license:${id}:L1:0` }]);
      const audit = await lifeline.api(`/api/v1/audit?action=request.extended&request=${id}`, {
        token: lifeline.tokens.approver,
      });
      assert.deepEqual(
        audit.body.items.map((entry: { actor: string; details: { state: string } }) => [
          entry.actor,
          entry.details.state,
        ]),
        [
          ['test-approver', 'made'],
          ['test-approver', 'asked'],
        ],
      );

      // The first license's lapse finds a newer license current and does nothing; the
      // extension's own lapse ends the cover.
      clock.jumpTo(dueAt(body.licenses[0].expiresAt) + 60_000);
      await quiet(lifeline);
      assert.equal((await lifeline.api(`/api/v1/requests/${id}`)).body.renewal.state, 'extended');
      clock.jumpTo(dueAt(body.licenses[1].expiresAt) + 60_000);
      await eventually(async () => {
        const { body: now } = await lifeline.api(`/api/v1/requests/${id}`);
        return now.renewal.state === 'lapsed' ? true : undefined;
      });
      assert.equal((await events(lifeline, id, 'cover.lapsed')).length, 1);
    });
  });
}
