/**
 * The web console in real Chromium, served by a running Lifeline from the built assets: sign in,
 * create a request, find it, open it, resend, inspect a license, and see why a request failed.
 */
import { clockOnDay } from '../../src/clock.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { createConsoleUser } from '../../src/access/console-accounts.js';
import type { CalendarDate } from '../../src/license/calendar-date.js';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startFakeSmtpServer, type FakeSmtpServer } from '../fakes/smtp-server.js';
import { expiredTrialLicense, screenshotBody } from '../support/requests.js';
import { startTestService, testPublicKeyFile, type TestService } from '../support/service.js';
import { launchChromium, screenshot, unlabelledControls } from './support/chromium.js';

const today = '2026-11-28' as CalendarDate;
const fixtures = new URL('../fixtures/gitlab-license/', import.meta.url);
const expiredLicensePath = new URL('expired-premium-480.gitlab-license', fixtures).pathname;
const otherKeyLicensePath = new URL('other-key.gitlab-license', fixtures).pathname;
const password = 'correct horse battery staple';

describe('web console', { timeout: 60_000 }, () => {
  let smtp: FakeSmtpServer;
  let lifeline: TestService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let requestId = '';
  const refused: string[] = [];
  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

  before(async () => {
    await buildWeb();
    smtp = await startFakeSmtpServer();
    [lifeline, browser] = await Promise.all([
      startTestService(
        {
          ...fakeRemotesEnv({ smtp }),
          LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: `production=${testPublicKeyFile}`,
        },
        { clock: clockOnDay(today) },
      ),
      launchChromium(),
    ]);
    // An approver: the resend below goes to another address than the request's own.
    await createConsoleUser(lifeline.service.store.db, 'robin', password, 'approver', Date.now());
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
      timezoneId: 'UTC',
      acceptDownloads: true,
    });
    page = await context.newPage();
    // Only the service itself: the console needs no network at run time.
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(lifeline.url)) return route.continue();
      refused.push(route.request().url());
      return route.abort('blockedbyclient');
    });
  });

  after(async () => {
    await browser?.close();
    await lifeline?.stop();
    await smtp?.stop();
  });

  it('signs in with a local account, in an httpOnly session', async () => {
    await page.goto(lifeline.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.deepEqual(await unlabelledControls(page), []);
    await page.getByLabel('Username').fill('robin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
    await screenshot(page, 'console-sign-in');

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // robin approves: the licensing team's home is the dashboard.
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    assert.equal(await page.getByTestId('signed-in-as').innerText(), 'robin');
    assert.equal(
      await page.evaluate(() => document.cookie.includes('lifeline_session')),
      false,
      'the session cookie is httpOnly',
    );
    const [cookie] = await context.cookies(lifeline.url);
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, 'Strict');

    // The session alone does not change anything: a form needs its CSRF token.
    const forged = await page.evaluate(async () => {
      const response = await fetch('/api/v1/requests/00000000-0000-4000-8000-000000000000/retry', {
        method: 'POST',
      });
      return {
        status: response.status,
        body: (await response.json()) as { error: { code: string } },
      };
    });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error.code, 'CSRF_FAILED');
  });

  it('creates a request from an uploaded license file, and follows it to success', async () => {
    await nav('New request').click();
    await page.getByRole('heading', { name: 'New emergency request' }).waitFor();
    assert.deepEqual(await unlabelledControls(page), []);
    await page.getByLabel('Ticket number').fill('5150');
    await page.getByLabel('Ticket address').fill('https://acme.zendesk.com/agent/tickets/5150');
    await page.getByLabel('Customer’s email').fill('ops@acme.example');
    await page.getByLabel('Users for the temporary license').fill('400');
    await page.getByLabel('Upload the license file').setInputFiles(expiredLicensePath);
    await page.getByLabel('Maximum users', { exact: true }).fill('480');
    await page.getByTestId('license-view').getByText('Read-only', { exact: true }).waitFor();
    const decision = page.getByTestId('decision');
    // 400 seats cover 440 users: GitLab refuses them for 480, and the form offers the smallest count.
    await decision.getByText('Not eligible', { exact: true }).waitFor();
    await decision.getByText(/GitLab would refuse 400 users/).waitFor();
    await decision.getByRole('button', { name: 'Use 437 users' }).click();
    assert.equal(await page.getByLabel('Users for the temporary license').inputValue(), '437');
    await decision.getByText('Eligible', { exact: true }).waitFor();
    // 437 users for a 480-seat license: eligible, with a word about the lower count.
    await decision
      .getByRole('list', { name: 'Warnings' })
      .getByText('is below the expired license’s 480 seats')
      .waitFor();
    await screenshot(page, 'console-new-request');

    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('heading', { name: 'Request for ops@acme.example' }).waitFor();
    await page.locator('[data-testid=outcome][data-state=succeeded]').waitFor({ timeout: 15_000 });
    requestId = decodeURIComponent(new URL(page.url()).hash.split('/').pop() ?? '');
    await page.getByRole('cell', { name: /^email/ }).waitFor();
    await screenshot(page, 'console-request-succeeded');
    const [mail] = await smtp.waitForMessages(1);
    assert.deepEqual(mail?.envelope.rcptTo, ['ops@acme.example']);

    const { body } = await lifeline.api(`/api/v1/requests/${requestId}`);
    assert.equal(body.requestedBy, 'robin');
    assert.equal(body.origin, 'console');
  });

  it('finds the request by email, opens it, downloads its license and resends it', async () => {
    await nav('Requests').click();
    await page.getByRole('table', { name: 'All requests' }).waitFor();
    await page.getByLabel('Email or @domain').fill('ops@acme.example');
    await page.getByRole('button', { name: 'Filter' }).click();
    const matching = page.getByRole('table', { name: 'Matching requests' });
    await matching.getByRole('link', { name: 'ops@acme.example' }).click();
    await page.getByRole('heading', { name: 'Request for ops@acme.example' }).waitFor();

    const download = page.getByRole('link', { name: 'Download the license file' });
    const file = await page.request.get(
      new URL((await download.getAttribute('href')) ?? '', lifeline.url).toString(),
    );
    assert.equal(file.status(), 200);
    const licenseText = await file.text();
    assert.match(licenseText, /^[A-Za-z0-9+/=\s-]+$/);

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: lifeline.url,
    });
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    await page.getByRole('button', { name: 'Copy the license' }).click();
    await page.getByRole('status').getByText('Copied the license.').waitFor();
    assert.equal(await clipboard(), licenseText);
    await page.getByRole('button', { name: 'Copy the request id' }).click();
    await page.getByRole('status').getByText('Copied the request id.').waitFor();
    assert.equal(await clipboard(), new URL(page.url()).hash.split('/').pop());

    await page.getByLabel('Resend the same license to').fill('it@acme.example');
    await page.getByRole('button', { name: 'Resend the license' }).click();
    await page.getByRole('status').getByText('on its way again to it@acme.example').waitFor();
    const messages = await smtp.waitForMessages(2);
    assert.deepEqual(messages[1]?.envelope.rcptTo, ['it@acme.example']);
    assert.equal(
      messages[1]?.attachments[0]?.content.toString(),
      messages[0]?.attachments[0]?.content.toString(),
      'the same license, never a new one',
    );
  });

  it('refuses a trial as the renewal with a sentence, then marks the renewal done as an approver', async () => {
    const cover = page.getByTestId('cover');
    await cover.getByText('Waiting for the customer’s renewal').waitFor();
    // robin asked for this license: an approver, but not the one to extend it.
    await cover.getByRole('form', { name: 'Extend the cover' }).waitFor();
    await cover.getByLabel('The customer’s new license').fill(expiredTrialLicense);
    await cover.getByRole('button', { name: 'Record the renewal' }).click();
    await cover
      .getByRole('alert')
      .getByText(/trial, not a renewal/)
      .waitFor();

    await cover.getByLabel('Done without the file (approvers): why').fill('Renewed by phone');
    await cover.getByRole('button', { name: 'Mark the renewal done' }).click();
    await cover.getByRole('status').getByText('Renewal marked done.').waitFor();
    await cover.getByTestId('cover-state').getByText('Renewed').waitFor();
    assert.match(await cover.innerText(), /Marked done without the file: Renewed by phone/);
    assert.equal(await cover.getByRole('form', { name: 'Extend the cover' }).count(), 0);
    assert.deepEqual(await unlabelledControls(page), []);
  });

  it('inspects a license, and says why one cannot be read', async () => {
    await nav('License inspector').click();
    await page.getByLabel('Or upload a license file').setInputFiles(otherKeyLicensePath);
    await page.getByTestId('license-unreadable').waitFor();
    assert.match(await page.getByTestId('license-unreadable').innerText(), /cannot be read/);
    assert.match(await page.getByTestId('license-key').innerText(), /an unknown key/);

    await page
      .getByLabel('License', { exact: true })
      .fill(readFileSync(expiredLicensePath, 'utf8'));
    await page.getByRole('button', { name: 'Inspect' }).click();
    const license = page.getByTestId('license-view');
    await license.getByText('Read-only', { exact: true }).waitFor();
    const shown = await license.innerText();
    assert.match(shown, /Acme Industries[\s\S]*Starts\s+2025-11-01/);
    assert.match(
      shown,
      /Works through\s+2026-11-11 \(expires at 00:00 on 2026-11-12, server time\)/,
    );
    assert.match(
      shown,
      /What GitLab will do with it[\s\S]*2026-11-26 The instance turns read-only/,
    );
    await page.getByLabel('Maximum users', { exact: true }).fill('400');
    await page.getByRole('button', { name: 'Check the upload' }).click();
    await page
      .getByTestId('preflight-answer')
      .getByText('This license has already expired.')
      .waitFor();
    assert.match(await license.getByTestId('license-key').innerText(), /^production \(/);
    await screenshot(page, 'console-inspector');
  });

  it('says the email is failing and when it tries again, and offers the license meanwhile', async () => {
    smtp.failNext(450, 'Mailbox busy, try again later', 11);
    const created = await lifeline.api('/api/v1/requests', {
      // Screenshot values: a customer of its own, not a repeat of Acme's license file.
      body: screenshotBody({}, { customerEmail: 'busy@busy-customer.example', userCount: 480 }),
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const id = created.body.id as string;
    await page.goto(`${lifeline.url}/#/requests/${encodeURIComponent(id)}`);
    const failing = page.locator('[data-testid=outcome][data-state=email-failing]');
    await failing.waitFor({ timeout: 15_000 });
    // The next try is known once the failed attempt is recorded (the page follows the request).
    await failing
      .getByText(/Lifeline tries again at .*\(attempt \d+\)/)
      .waitFor({ timeout: 15_000 });
    const said = await failing.innerText();
    assert.match(said, /The email to busy@busy-customer\.example is failing: .*Mailbox busy/);
    assert.match(said, /Lifeline tries again at .*\(attempt \d+\)/);
    assert.doesNotMatch(said, /on its way/);
    assert.equal(
      await failing
        .getByRole('link', { name: 'download the license to attach it to the ticket' })
        .getAttribute('href'),
      `/api/v1/requests/${encodeURIComponent(id)}/license`,
    );
    await screenshot(page, 'console-email-failing');
    // Once the server takes it, the page says so by itself.
    await page.locator('[data-testid=outcome][data-state=succeeded]').waitFor({ timeout: 30_000 });
  });

  it('shows why a request failed, lists it first, and retries it', async () => {
    smtp.failNext(550, 'No such user here');
    await nav('New request').click();
    await page.getByLabel('Ticket number').fill('5200');
    await page.getByLabel('Ticket address').fill('https://acme.zendesk.com/agent/tickets/5200');
    await page.getByLabel('Customer’s email').fill('admin@globex.example');
    await page.getByLabel('Users for the temporary license').fill('120');
    await page.getByLabel('Values from the screenshots').check();
    await page.getByLabel('Plan').selectOption('premium');
    await page.getByLabel('License expiry date').fill('2026-11-12');
    await page.getByLabel('Licensed users').fill('100');
    await page.getByLabel('Maximum users', { exact: true }).fill('100');
    await page.getByLabel(/Both screenshots/).check();
    await page.getByTestId('decision').getByText('Eligible', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Send request' }).click();

    const failure = page.getByTestId('failure');
    await failure.waitFor({ timeout: 15_000 });
    assert.match(
      await failure.innerText(),
      /Could not email the license to the customer[\s\S]*550 No such user here[\s\S]*Next:/,
    );
    await screenshot(page, 'console-request-failed');

    await nav('Requests').click();
    const attention = page.getByRole('table', { name: 'Failed requests' });
    await attention.getByRole('link', { name: 'admin@globex.example' }).waitFor();
    assert.equal(
      await attention.getByRole('row').count(),
      2,
      'a header and the one failed request',
    );
    await page
      .getByRole('table', { name: 'All requests' })
      .getByRole('link', { name: 'ops@acme.example' })
      .waitFor();
    await screenshot(page, 'console-requests');
    const layout = await page.evaluate(() => ({
      labelTops: [...document.querySelectorAll('.filters label')].map((label) =>
        Math.round(label.getBoundingClientRect().top),
      ),
      bodyReachesBottom: document.body.getBoundingClientRect().height >= window.innerHeight,
    }));
    assert.equal(
      new Set(layout.labelTops).size,
      1,
      `filter labels in one line: ${layout.labelTops.join(', ')}`,
    );
    assert.ok(layout.bodyReachesBottom, 'the page background stops mid-screen');

    await attention.getByRole('link', { name: 'admin@globex.example' }).click();
    await page.getByRole('button', { name: 'Retry from the failed step' }).click();
    await page.locator('[data-testid=outcome][data-state=succeeded]').waitFor({ timeout: 15_000 });
    // The first license, its resend, the one that got through after 450s, and this retry.
    const messages = await smtp.waitForMessages(4);
    assert.deepEqual(messages[3]?.envelope.rcptTo, ['admin@globex.example']);
  });

  it('fits a 360 px phone: no sideways scrolling, the State column always in view', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    // Every row's State cell lies inside the screen (a table header or a card label).
    const stateColumnsInView = (table: string) =>
      page.getByRole('table', { name: table }).evaluate((element) => {
        const column = [...element.querySelectorAll('th')].findIndex(
          (cell) => cell.textContent?.trim() === 'State',
        );
        return [
          ...new Set(
            [...element.querySelectorAll('tbody tr')].map((row) => {
              const box = row.children[column]?.getBoundingClientRect();
              return box !== undefined && box.width > 0 && box.right <= window.innerWidth;
            }),
          ),
        ];
      });
    try {
      await nav('Requests').click();
      await page.getByRole('table', { name: 'All requests' }).waitFor();
      assert.equal(await overflow(), 0, 'the requests list scrolls sideways');
      assert.deepEqual(await stateColumnsInView('All requests'), [true]);
      await screenshot(page, 'console-requests-360');

      await page
        .getByRole('table', { name: 'All requests' })
        .getByRole('link', { name: 'admin@globex.example' })
        .click();
      await page.getByRole('table', { name: 'Deliveries' }).waitFor();
      assert.equal(await overflow(), 0, 'the request page scrolls sideways');
      assert.deepEqual(await stateColumnsInView('Deliveries'), [true]);
      await screenshot(page, 'console-request-360');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('lists what waits for approval, and approves it with a reason', async () => {
    const created = await lifeline.api('/api/v1/requests', {
      body: screenshotBody(
        { licensedUsers: 4_000, maximumUsers: 4_000 },
        { customerEmail: 'ops@held-customer.example', userCount: 5_000 },
      ),
    });
    assert.equal(created.body.state, 'awaiting_approval', JSON.stringify(created.body));
    const id = created.body.id as string;
    await nav('Awaiting approval').click();
    await page.getByRole('heading', { name: 'Awaiting approval', level: 1 }).waitFor();
    const row = page
      .getByTestId('approvals')
      .getByRole('row', { name: /ops@held-customer\.example/ });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /5,000 users on typed values alone \(no license file\)/);
    assert.match(text, /an approver other than test-engineer/);
    assert.deepEqual(await unlabelledControls(page), []);
    await screenshot(page, 'console-awaiting-approval');

    await row.getByRole('link', { name: 'ops@held-customer.example' }).click();
    const approval = page.getByTestId('approval');
    await approval.waitFor();
    assert.match(
      await approval.innerText(),
      /Waits for an approver other than test-engineer until /,
    );
    await page
      .getByLabel('Reason (recorded in the audit log)')
      .fill('Seats confirmed on the call.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').getByText('Approved: the license is being generated.').waitFor();
    await page.locator('[data-testid=outcome][data-state=succeeded]').waitFor({ timeout: 30_000 });
    assert.match(await approval.innerText(), /Approved by robin: Seats confirmed on the call\./);
    const { body } = await lifeline.api(`/api/v1/requests/${encodeURIComponent(id)}`);
    assert.equal(body.approval.decidedBy, 'robin');
  });

  it('extends the approved request’s cover: asked at once, then its license in the list', async () => {
    const cover = page.getByTestId('cover');
    await cover.getByText('Waiting for the customer’s renewal').waitFor();
    assert.match(await cover.getByTestId('cover-state').innerText(), /\(\d+ days left\)/);
    await cover.getByLabel('Extend with a new temporary license: why').fill('PO stuck');
    await cover.getByLabel('Seats (leave empty for the same)').fill('4800');
    await cover.getByRole('button', { name: 'Extend the cover' }).click();
    await cover.getByRole('status').getByText('Extension asked').first().waitFor();
    await cover
      .getByTestId('cover-state')
      .getByText('Extended; waiting for the customer’s renewal')
      .waitFor({ timeout: 15_000 });
    const licenses = cover.getByRole('list', { name: 'Licenses of this request' });
    await licenses.getByText(/4,800 users, works through/).waitFor();
    assert.equal(await licenses.getByRole('listitem').count(), 2);
    assert.equal(await cover.getByTestId('extension-state').count(), 0, 'made: no notice left');
    // LIFELINE_EXTENSIONS_MAX is 1: no second extension is offered, and the panel says why.
    const limit = cover.getByTestId('extension-limit');
    await limit.waitFor();
    const found = await lifeline.api('/api/v1/requests?email=ops@held-customer.example');
    const id = found.body.items[0].id as string;
    const { body } = await lifeline.api(`/api/v1/requests/${encodeURIComponent(id)}`);
    assert.equal(body.renewal.extensionsMax, 1);
    const extended = (body.licenses as Array<{ lineageIndex: number; issuedAt: string }>).find(
      (license) => license.lineageIndex === 1,
    );
    assert.equal(
      await limit.innerText(),
      `The extension limit is reached (1 of 1): extended by ${body.renewal.extension.requestedBy as string} on ${extended?.issuedAt ?? ''}. Escalate to the licensing team for the renewal itself.`,
    );
    assert.equal(await cover.getByRole('form', { name: 'Extend the cover' }).count(), 0);
    await screenshot(page, 'console-cover-extended');
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const answer = await page.request.get(`${lifeline.url}/api/v1/requests`);
    assert.equal(answer.status(), 401);
    assert.deepEqual(refused, [], 'the console needs nothing but the service');
  });
});
