/**
 * The batch pages in real Chromium against a running Lifeline, on each test database: an
 * engineer's dry run of a file with an invalid and a refused row (each row's outcome and
 * sentence, no Issue button); then an approver issues it, stops and resumes it while no worker
 * runs, and, once a worker starts, watches the open page's bar reach 100 % by itself; filters the
 * rows, opens a row's request, downloads the report, and reopens the page; at 1280 and 360 px
 * without sideways scrolling.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { createConsoleUser } from '../../src/access/console-accounts.js';
import { clockOnDay } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { CalendarDate } from '../../src/license/calendar-date.js';
import { createLogger } from '../../src/service/logger.js';
import { startService, type RunningService } from '../../src/service/start.js';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startFakeSmtpServer, type FakeSmtpServer } from '../fakes/smtp-server.js';
import { testDatabases } from '../support/databases.js';
import {
  eventually,
  startTestService,
  testSigningKeyFile,
  type TestService,
} from '../support/service.js';
import { launchChromium, screenshot, unlabelledControls } from './support/chromium.js';

const today = '2026-11-28' as CalendarDate;
const password = 'batch passphrase for tests';

// Five customers of five companies (so no row repeats another): three eligible, one whose
// user count does not parse, one whose grace ended weeks ago. Rows are numbered as a
// spreadsheet numbers them: the header is row 1.
const header =
  'ticket_id,ticket_url,customer_email,user_count,plan,expired_on,licensed_users,maximum_users,billable_users,license_file,note';
const line = (ticket: number, email: string, users: string, expiredOn = '2026-11-12') =>
  `${ticket},https://support.example.com/agent/tickets/${ticket},${email},${users},premium,${expiredOn},${users},${users},,,outage`;
const csv = [
  header,
  line(7001, 'ops@alpha.example', '40'),
  line(7002, 'ops@bravo.example', '55'),
  line(7003, 'ops@charlie.example', 'lots'),
  line(7004, 'ops@delta.example', '30', '2026-10-01'),
  line(7005, 'ops@echo.example', '25'),
].join('\n');

const clock = clockOnDay(today);

for (const database of testDatabases) {
  describe(`the batch pages (${database.name})`, { timeout: 180_000 }, () => {
    let smtp: FakeSmtpServer;
    let lifeline: TestService;
    let worker: RunningService | undefined;
    let browser: Browser;
    let engineer: Page;
    let approver: Page;
    const mail = () => fakeRemotesEnv({ smtp });
    const shot = (page: Page, name: string) => screenshot(page, `${name}-${database.name}`);

    before(async () => {
      await buildWeb();
      smtp = await startFakeSmtpServer();
      // No worker at first: the batch waits where the approver can stop and resume it, and the
      // open page then sees a worker's progress arrive by itself.
      [lifeline, browser] = await Promise.all([
        startTestService(mail(), { clock, database, roles: { api: true, worker: false } }),
        launchChromium(),
      ]);
      const db = lifeline.service.store.db;
      await createConsoleUser(db, 'sam', password, 'engineer', Date.now());
      await createConsoleUser(db, 'robin', password, 'approver', Date.now());
      const context = () =>
        browser.newContext({
          viewport: { width: 1280, height: 900 },
          locale: 'en-US',
          timezoneId: 'UTC',
          acceptDownloads: true,
        });
      engineer = await (await context()).newPage();
      approver = await (await context()).newPage();
    });

    after(async () => {
      await browser?.close();
      await worker?.stop(2_000);
      await lifeline?.stop();
      await smtp?.stop();
    });

    /** A worker process's worth of service on the same database and clock. */
    async function startWorker(): Promise<RunningService> {
      const config = loadConfig({
        LIFELINE_DATA_DIR: lifeline.dataDir,
        DATABASE_URL: lifeline.service.config.databaseUrl,
        LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
        LIFELINE_JOB_POLL_MS: '50',
        LIFELINE_RETRY_BASE_MS: '50',
        LIFELINE_RETRY_MAX_MS: '500',
        LIFELINE_LOG_LEVEL: 'silent',
        LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '100000',
        LIFELINE_APPROVAL_DAILY_CAP_DESK: '100000',
        LIFELINE_AUDIT_HEAD_SCHEDULE: 'off',
        LIFELINE_HANDOFF_SCHEDULE: 'off',
        ...mail(),
      });
      return startService(config, {
        roles: { api: false, worker: true },
        logger: createLogger('silent'),
        clock,
      });
    }

    async function signIn(page: Page, username: string) {
      await page.goto(lifeline.url);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByTestId('signed-in-as').waitFor();
    }
    const nav = (page: Page, name: string) =>
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
    const overflow = (page: Page) =>
      page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const outcomes = (page: Page, table: string) =>
      page
        .getByRole('table', { name: table })
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => [
            Number(row.getAttribute('data-row')),
            row.getAttribute('data-outcome'),
          ]),
        );

    async function newBatchFromFile(page: Page) {
      await nav(page, 'Batches').click();
      await page.getByRole('heading', { name: 'Batches', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Start with a dry run of a file' }).click();
      await page.getByRole('heading', { name: 'New batch' }).waitFor();
      assert.deepEqual(await unlabelledControls(page), []);
      await page.getByLabel('Choose a file (CSV or JSON lines)').setInputFiles({
        name: 'outage.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
      // The picked file is what will be sent, shown as it is (read by the page in its own time).
      const pasted = page.getByLabel('Or paste the rows');
      await eventually(
        async () => ((await pasted.inputValue()) === csv ? true : undefined),
        10_000,
        'the picked file in the paste box',
      );
      assert.equal(await pasted.inputValue(), csv);
    }

    it('shows an engineer’s dry run row by row, with no Issue button', async () => {
      await signIn(engineer, 'sam');
      await newBatchFromFile(engineer);
      await engineer.getByRole('button', { name: 'Dry run' }).click();
      const table = engineer.getByRole('table', { name: 'Rows of the dry run' });
      await table.waitFor();
      assert.deepEqual(await outcomes(engineer, 'Rows of the dry run'), [
        [2, 'eligible'],
        [3, 'eligible'],
        [4, 'invalid'],
        [5, 'refused'],
        [6, 'eligible'],
      ]);
      const invalid = table.locator('tr[data-row="4"]');
      await invalid.getByText('Invalid', { exact: true }).waitFor();
      await invalid.getByText(/user_count/).waitFor();
      const refused = table.locator('tr[data-row="5"]');
      await refused.getByText('Refused', { exact: true }).waitFor();
      assert.notEqual((await refused.locator('td[data-label="Why"]').innerText()).trim(), '');
      assert.match(
        await engineer.getByTestId('dry-run-summary').innerText(),
        /5 rows: 3 eligible, 0 need approval, 1 refused, 1 invalid/,
      );
      assert.equal(await engineer.getByRole('button', { name: /^Issue/ }).count(), 0);
      assert.equal(await overflow(engineer), 0, 'the dry run scrolls sideways at 1280 px');
      await shot(engineer, 'console-batch-dry-run-1280');

      await engineer.setViewportSize({ width: 360, height: 800 });
      try {
        await table.waitFor();
        assert.equal(await overflow(engineer), 0, 'the dry run scrolls sideways at 360 px');
        await shot(engineer, 'console-batch-dry-run-360');
      } finally {
        await engineer.setViewportSize({ width: 1280, height: 900 });
      }
    });

    let batchUrl = '';

    it('lets an approver issue exactly what the dry run checked, and follows it to 100 %', async () => {
      await signIn(approver, 'robin');
      await newBatchFromFile(approver);
      await approver
        .getByLabel('Reason (recorded with the batch)')
        .fill('billing migration outage');
      const issue = approver.getByRole('button', { name: /^Issue/ });
      assert.equal(await issue.isDisabled(), true, 'Issue before a dry run');
      await approver.getByRole('button', { name: 'Dry run' }).click();
      await approver.getByRole('table', { name: 'Rows of the dry run' }).waitFor();
      assert.equal(await issue.innerText(), 'Issue 3 licenses');
      // One row does not parse: nothing goes until the approver says to skip it.
      assert.equal(await issue.isDisabled(), true, 'Issue with an invalid row not skipped');
      await approver.getByLabel('Skip the rows that do not parse and issue the rest').check();
      assert.equal(await issue.isDisabled(), false);

      // An edit after the dry run asks for a new one.
      const pasted = approver.getByLabel('Or paste the rows');
      await pasted.fill(`${csv}\n`);
      assert.equal(await issue.isDisabled(), true, 'Issue after an edit');
      await pasted.fill(csv);
      assert.equal(await issue.isDisabled(), false);

      await issue.click();
      // The new batch's own page (the form's address, #/batches/new, matches no id).
      await approver.waitForURL(/#\/batches\/[0-9a-f-]{36}$/);
      batchUrl = approver.url();
      const bar = approver.getByRole('progressbar', { name: 'Rows done' });
      const progress = approver.getByTestId('batch-progress');
      await progress.getByText('Queued').waitFor();
      // Only the invalid row, skipped, is done before a worker runs.
      assert.equal(await bar.getAttribute('aria-valuenow'), '20');

      await approver.getByRole('button', { name: 'Stop' }).click();
      await progress.getByText('Stopped').waitFor();
      await approver.getByRole('button', { name: 'Resume' }).click();
      await progress.getByText(/Queued|Running/).waitFor();

      // The page stays open, unreloaded: what moves the bar is its own polling.
      worker = await startWorker();
      await approver
        .locator('[role=progressbar][aria-valuenow="100"]')
        .waitFor({ timeout: 60_000 });
      await progress.getByText('Finished').waitFor();
      assert.match(await approver.getByTestId('batch-done').innerText(), /5 of 5 rows done/);
      const counted = approver.getByRole('list', { name: 'Rows by outcome' });
      assert.match(await counted.innerText(), /3\s+Issued/);
      assert.equal(await overflow(approver), 0, 'the batch page scrolls sideways at 1280 px');
      await shot(approver, 'console-batch-1280');
      const mails = await smtp.waitForMessages(3);
      assert.deepEqual(mails.map((mail) => mail.envelope.rcptTo[0]).sort(), [
        'ops@alpha.example',
        'ops@bravo.example',
        'ops@echo.example',
      ]);
    });

    it('filters the rows by outcome, and links each issued row to its request and back', async () => {
      const filter = approver.getByLabel('Outcome', { exact: true });
      await filter.selectOption('refused');
      await approver.waitForURL(/outcome=refused/);
      await approver.locator('table[data-outcome-filter="refused"]').waitFor();
      assert.deepEqual(await outcomes(approver, 'Rows of the batch'), [[5, 'refused']]);
      await filter.selectOption('failed');
      await approver.getByTestId('batch-rows-empty').waitFor();
      await filter.selectOption('issued');
      await approver.locator('table[data-outcome-filter="issued"]').waitFor();
      assert.deepEqual(await outcomes(approver, 'Rows of the batch'), [
        [2, 'issued'],
        [3, 'issued'],
        [6, 'issued'],
      ]);
      await approver.getByRole('link', { name: 'ops@bravo.example' }).click();
      await approver.getByRole('heading', { name: 'Request for ops@bravo.example' }).waitFor();
      // And back: the request's page names its batch and row.
      await approver.getByRole('link', { name: 'Row 3 of its batch' }).click();
      await approver.waitForURL(batchUrl);
      await approver.getByRole('table', { name: 'Rows of the batch' }).waitFor();
    });

    it('says which column a file lacks, and shows an engineer the batch without Stop', async () => {
      await engineer.goto(`${lifeline.url}/#/batches/new`);
      await engineer
        .getByLabel('Or paste the rows')
        .fill(csv.replace(',maximum_users', '').replace(/,,,outage/g, ',,outage'));
      await engineer.getByRole('button', { name: 'Dry run' }).click();
      await engineer
        .getByRole('alert')
        .getByText(/maximum_users/)
        .first()
        .waitFor();
      // The earlier report stays, marked as of the file before this edit.
      await engineer
        .getByText('This report is of the file as it was: run the dry run again.')
        .waitFor();

      await engineer.goto(batchUrl);
      await engineer.locator('[role=progressbar][aria-valuenow="100"]').waitFor();
      assert.equal(await engineer.getByRole('button', { name: /^(Stop|Resume)$/ }).count(), 0);
      await engineer.getByRole('link', { name: 'Download report (CSV)' }).waitFor();
    });

    it('downloads the report, and shows the same batch when reopened', async () => {
      // Reopened from the address alone: a new load, nothing kept in the page.
      await approver.goto(batchUrl);
      await approver.locator('[role=progressbar][aria-valuenow="100"]').waitFor();
      const [download] = await Promise.all([
        approver.waitForEvent('download'),
        approver.getByRole('link', { name: 'Download report (CSV)' }).click(),
      ]);
      const report = readFileSync((await download.path()) ?? '', 'utf8')
        .trim()
        .split(/\r?\n/);
      assert.equal(report.length, 6, 'a header and one line per row');
      for (const email of ['ops@alpha.example', 'ops@bravo.example', 'ops@echo.example'])
        assert.ok(
          report.some((row) => row.includes(email)),
          `${email} is in the report`,
        );

      await approver.setViewportSize({ width: 360, height: 800 });
      try {
        await approver.getByRole('table', { name: 'Rows of the batch' }).waitFor();
        assert.equal(await overflow(approver), 0, 'the batch page scrolls sideways at 360 px');
        await shot(approver, 'console-batch-360');
        await nav(approver, 'Batches').click();
        await approver.getByRole('table', { name: 'Batches' }).getByText('outage.csv').waitFor();
        assert.equal(await overflow(approver), 0, 'the batches list scrolls sideways at 360 px');
        await shot(approver, 'console-batches-360');
      } finally {
        await approver.setViewportSize({ width: 1280, height: 900 });
      }
    });
  });
}
