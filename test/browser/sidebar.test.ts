/**
 * The Zendesk sidebar app in real Chromium: the packaged app (the zip Zendesk would receive)
 * runs in a harness that plays Zendesk (ticket data, current user, and the proxy that signs the
 * app's JWT), against a running Lifeline whose email arrives at an in-process SMTP server.
 */
import { clockOnDay } from '../../src/clock.js';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CalendarDate } from '../../src/license/calendar-date.js';
import { encodeLicense, type LicenseAttributes } from '../../src/license/index.js';
import { testSigningKey } from '../license/fixtures.js';
import { expiredTrialLicense, screenshotBody } from '../support/requests.js';
import {
  appFilesFromDirectory,
  appFilesFromZip,
  type AppFiles,
} from '../../zendesk-app/scripts/app-files.js';
import { packageApp } from '../../zendesk-app/scripts/package.js';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startFakeSmtpServer, type FakeSmtpServer } from '../fakes/smtp-server.js';
import { eventually, startTestService, type TestService } from '../support/service.js';
import { launchChromium, screenshot, tabTo, unlabelledControls } from './support/chromium.js';
import { onFreePort } from './support/free-port.js';
import { openSidebar, type ZendeskInstallation } from './support/zendesk-harness.js';

const today = '2026-11-28' as CalendarDate;
const secret = 'sidebar-test-shared-secret-0123456789abcdef';
const licenseFile = readFileSync(
  new URL('../fixtures/gitlab-license/expired-premium-480.gitlab-license', import.meta.url),
  'utf8',
);
async function assertFitsSidebar(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 320, `no sideways scrolling at 320 px (content is ${width} px wide)`);
}

const agent = { id: 90210, name: 'Sam Agent', email: 'sam.agent@vendor.example', role: 'agent' };

describe('Zendesk sidebar app', { timeout: 60_000 }, () => {
  let smtp: FakeSmtpServer;
  let lifeline: TestService;
  let browser: Browser;
  let context: BrowserContext;
  let app: AppFiles;
  const outDir = mkdtempSync(join(tmpdir(), 'lifeline-zendesk-app-'));

  const installation = (overrides: Partial<ZendeskInstallation> = {}): ZendeskInstallation => ({
    app,
    subdomain: 'acme',
    settings: { lifeline_url: lifeline.url, shared_secret: secret },
    ticket: { id: 4321, requester: { email: 'ops@acme.example', name: 'Olga Ops' } },
    currentUser: agent,
    ...overrides,
  });

  before(async () => {
    smtp = await startFakeSmtpServer();
    [lifeline, browser] = await Promise.all([
      onFreePort((port) =>
        startTestService(
          {
            LIFELINE_PORT: String(port),
            LIFELINE_PUBLIC_URL: `http://127.0.0.1:${port}`,
            LIFELINE_ZENDESK_APP_SECRET: secret,
            LIFELINE_ZENDESK_APP_ISSUER: 'https://acme.zendesk.com',
            ...fakeRemotesEnv({ smtp }),
          },
          { clock: clockOnDay(today) },
        ),
      ),
      launchChromium(),
    ]);
    // The same package an admin uploads, with this Lifeline's host in its domain whitelist.
    const packaged = await packageApp({ lifelineUrl: lifeline.url, outDir, local: true });
    app = appFilesFromZip(readFileSync(packaged.zipPath));
    context = await browser.newContext({
      viewport: { width: 320, height: 900 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
  });

  after(async () => {
    await browser?.close();
    await lifeline?.stop();
    await smtp?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('fills in the ticket, decodes the license, shows the decision, sends, and follows to success', async () => {
    const { page, calls, refused } = await openSidebar(context, installation());
    await page.getByText('#4321').waitFor();
    assert.equal(await page.getByLabel('Customer’s email').inputValue(), 'ops@acme.example');
    await page.getByText(`requested by ${agent.email}`).waitFor();

    await page.getByLabel('Users for the temporary license').fill('500');
    await page.getByLabel('License file', { exact: true }).fill(licenseFile);
    await page.getByLabel('Maximum users', { exact: true }).fill('480');
    const license = page.getByTestId('license-view');
    await license.getByText('Read-only', { exact: true }).waitFor();
    assert.match(await license.innerText(), /Premium[\s\S]*480 users[\s\S]*Acme Industries/);
    const decision = page.getByTestId('decision');
    await decision.getByText('Eligible', { exact: true }).waitFor();
    assert.match(await decision.innerText(), /within the 3-day emergency window/);
    await assertFitsSidebar(page);
    await screenshot(page, 'sidebar-form-eligible');

    await page.getByRole('button', { name: 'Send request' }).click();
    const outcome = page.getByTestId('outcome');
    await page.locator('[data-testid=outcome][data-state=succeeded]').waitFor({ timeout: 15_000 });
    assert.match(
      await outcome.innerText(),
      /Sent to ops@acme\.example: an Ultimate trial for 500 users, working through 2026-12-09 \(it expires at 00:00 on 2026-12-10/,
    );
    await assertFitsSidebar(page);
    await screenshot(page, 'sidebar-sent');

    const [mail] = await smtp.waitForMessages(1);
    assert.deepEqual(mail?.envelope.rcptTo, ['ops@acme.example']);
    assert.match(mail?.attachments[0]?.filename ?? '', /\.gitlab-license$/);

    const { body: list } = await lifeline.api('/api/v1/requests?ticket=4321');
    assert.equal(list.items.length, 1);
    assert.equal(
      list.items[0].requestedBy,
      agent.email,
      'the agent from the JWT is recorded as the requester',
    );
    assert.equal(list.items[0].origin, 'zendesk');

    // Every call went through the proxy with the app's claims; the secret never reached the page.
    assert.ok(calls.length >= 4);
    for (const call of calls) {
      assert.equal(call.claims?.agent_email, agent.email);
      assert.equal(call.claims?.aud, lifeline.url);
      assert.equal(call.claims?.iss, 'https://acme.zendesk.com');
      assert.equal(call.claims?.ticket_id, '4321');
      assert.ok(
        typeof call.claims?.exp === 'number' &&
          typeof call.claims.iat === 'number' &&
          call.claims.exp - call.claims.iat <= 3600,
      );
    }
    assert.equal(
      await page.evaluate((value) => document.documentElement.outerHTML.includes(value), secret),
      false,
    );
    assert.deepEqual(refused, [], 'the sidebar reached nothing but its own files and the SDK');
    await page.close();
  });

  it('lists the earlier request for this ticket and customer, resends it, and holds a second license for approval', async () => {
    const { page } = await openSidebar(context, installation());
    const earlier = page.getByRole('region', { name: /Earlier requests/ });
    await earlier.getByText('ops@acme.example').waitFor();
    await earlier.getByRole('button', { name: 'Resend the license to ops@acme.example' }).click();
    await earlier.getByRole('status').getByText('on its way again to ops@acme.example').waitFor();
    const messages = await smtp.waitForMessages(2);
    assert.deepEqual(messages[1]?.envelope.rcptTo, ['ops@acme.example']);

    await page.getByLabel('Users for the temporary license').fill('500');
    await page.getByLabel('License file', { exact: true }).fill(licenseFile);
    await page.getByLabel('Maximum users', { exact: true }).fill('480');
    const decision = page.getByTestId('decision');
    await decision.getByText('Needs approval', { exact: true }).waitFor();
    assert.match(
      await decision.innerText(),
      /resend it instead.*An approver may grant a second one/s,
    );
    await decision.getByRole('link', { name: 'Open the earlier request' }).waitFor();
    await assertFitsSidebar(page);
    await screenshot(page, 'sidebar-earlier-request-and-repeat');
    await page.close();
  });

  it('works with the keyboard alone at sidebar width, with readable errors', async () => {
    const { page, resizes } = await openSidebar(
      context,
      installation({
        ticket: { id: 4400, requester: { email: 'admin@globex.example', name: 'Gail Globex' } },
      }),
    );
    await page.getByText('#4400').waitFor();
    await page.getByText('No earlier emergency request').waitFor();
    assert.deepEqual(await unlabelledControls(page), []);

    // Sending an empty form lists what is missing, and focuses that list.
    await page.getByLabel('Users for the temporary license').focus();
    await page.keyboard.press('Enter');
    const summary = page.getByRole('alert');
    await summary.getByText('Enter the number of users').waitFor();
    // The form moves focus on the next animation frame, after the list is drawn.
    await page.waitForFunction(
      () => document.activeElement?.classList.contains('error-summary') === true,
      undefined,
      { timeout: 5_000 },
    );
    await screenshot(page, 'sidebar-errors');

    await tabTo(page, '#zd-userCount');
    await page.keyboard.type('120');
    await tabTo(page, 'input[value=licenseFile]');
    await page.keyboard.press('ArrowDown'); // radio group: to "Values from the screenshots"
    await tabTo(page, '#zd-plan');
    await page.keyboard.type('Premium');
    await tabTo(page, '#zd-expiredOn');
    await page.keyboard.type('11122026');
    await tabTo(page, '#zd-licensedUsers');
    await page.keyboard.type('100');
    await tabTo(page, '#zd-screenshotsAttached');
    await page.keyboard.press('Space');
    await tabTo(page, '#zd-maximumUsers');
    await page.keyboard.type('100');
    await page.getByTestId('decision').getByText('Eligible', { exact: true }).waitFor();
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=outcome][data-state=succeeded]').waitFor({ timeout: 15_000 });

    await assertFitsSidebar(page);
    assert.ok(resizes.length > 0, 'the app asks Zendesk to fit its height');
    await eventually(() =>
      Promise.resolve(
        smtp.messages.some((mail) => mail.envelope.rcptTo.includes('admin@globex.example'))
          ? true
          : undefined,
      ),
    );
    await page.close();
  });

  it('says so when Zendesk signs with a secret the service does not share', async () => {
    const { page } = await openSidebar(
      context,
      installation({
        settings: {
          lifeline_url: lifeline.url,
          shared_secret: 'a-different-secret-0123456789abcdef',
        },
      }),
    );
    const alert = page.getByRole('alert');
    await alert.getByText('Lifeline refused this app’s signature').waitFor();
    assert.match(await alert.innerText(), /“Shared secret” equals LIFELINE_ZENDESK_APP_SECRET/);
    await screenshot(page, 'sidebar-wrong-secret');
    await page.close();
  });

  it('says so when the package does not whitelist the Lifeline host', async () => {
    // The source folder's manifest still names the placeholder host: Zendesk would not sign.
    const unpackaged = appFilesFromDirectory(
      fileURLToPath(new URL('../../zendesk-app/', import.meta.url)),
    );
    const { page, calls } = await openSidebar(context, installation({ app: unpackaged }));
    await page
      .getByRole('alert')
      .getByText('The Lifeline host must be in the app’s domain whitelist')
      .waitFor();
    assert.deepEqual(calls, [], 'nothing reached Lifeline');
    await page.close();
  });

  it('reads the ticket: lists its screenshots, uses its license file in one click, drafts the reply', async () => {
    const attachment = (filename: string, contentType: string) => ({
      filename,
      contentType,
      contentUrl: `https://acme.zendesk.com/attachments/token/${filename}/?name=${filename}`,
    });
    const license = attachment('license.gitlab-license', 'application/octet-stream');
    const { page, sets, invokes } = await openSidebar(
      context,
      installation({
        ticket: { id: 7001, requester: { email: 'ops@acme.example', name: 'Olga Ops' } },
        comments: [
          {
            id: 1,
            value: 'Our instance is read-only!',
            imageAttachments: [
              attachment('subscription.png', 'image/png'),
              attachment('expired-banner.png', 'image/png'),
            ],
            nonImageAttachments: [license],
          },
        ],
        attachmentContents: { [license.contentUrl]: licenseFile },
      }),
    );
    const onTicket = page.getByRole('region', { name: 'On this ticket' });
    await onTicket.getByText('2 screenshots on the ticket:').waitFor();
    assert.match(await onTicket.innerText(), /subscription\.png[\s\S]*expired-banner\.png/);

    await onTicket
      .getByRole('button', { name: 'Use license.gitlab-license as the evidence' })
      .click();
    await onTicket.getByText('Using license.gitlab-license as the evidence.').waitFor();
    // The form takes the file on its own next render, which may follow the message's.
    await page.waitForFunction(
      () =>
        (document.querySelector<HTMLTextAreaElement>('#zd-licenseFile')?.value ?? '').length > 0,
      undefined,
      { timeout: 5_000 },
    );
    assert.equal(
      (await page.getByLabel('License file', { exact: true }).inputValue()).trim(),
      licenseFile.trim(),
    );
    await page
      .getByTestId('license-view')
      .getByText(/480 users/)
      .first()
      .waitFor();

    await onTicket.getByText('Ask the customer for the evidence').click();
    const reply = onTicket.getByLabel('Public reply');
    assert.match(
      await reply.inputValue(),
      /^Hi Olga,[\s\S]*Admin Area › Subscription[\s\S]*\.gitlab-license/,
    );
    await reply.fill('Hi Olga, please send the two screenshots. Thanks!');
    await onTicket.getByRole('button', { name: 'Put it in the public reply' }).click();
    await onTicket.getByText('The request for evidence is in the public reply').waitFor();
    assert.deepEqual(sets, [{ path: 'comment.type', value: 'publicReply' }]);
    assert.deepEqual(invokes, [
      { name: 'comment.appendText', args: ['Hi Olga, please send the two screenshots. Thanks!'] },
    ]);
    // Zendesk Garden's look: its blue-700 for the primary action, its 14 px body text.
    const look = await page.getByRole('button', { name: 'Send request' }).evaluate((button) => ({
      background: getComputedStyle(button).backgroundColor,
      fontSize: getComputedStyle(document.body).fontSize,
    }));
    assert.deepEqual(look, { background: 'rgb(31, 115, 183)', fontSize: '14px' });
    await assertFitsSidebar(page);
    await screenshot(page, 'sidebar-ticket-evidence');
    await page.close();
  });

  it('says before sending that the ticket has no screenshots and no license file', async () => {
    const { page } = await openSidebar(
      context,
      installation({
        ticket: { id: 7002, requester: { email: 'it@initech.example', name: 'Ian' } },
        comments: [{ id: 1, value: 'Help', imageAttachments: [], nonImageAttachments: [] }],
      }),
    );
    const onTicket = page.getByRole('region', { name: 'On this ticket' });
    await onTicket.getByTestId('no-screenshots').waitFor();
    assert.match(
      await onTicket.innerText(),
      /No screenshots on this ticket yet[\s\S]*No license file on this ticket/,
    );
    await page.close();
  });

  it('shows the ticket’s waiting cover and records the renewal pasted in it, refusing a trial', async () => {
    const created = await lifeline.api('/api/v1/requests', {
      body: screenshotBody(
        {},
        {
          ticket: { id: '7100', url: 'https://acme.zendesk.com/agent/tickets/7100' },
          customerEmail: 'it@hooli.example',
          userCount: 300,
        },
      ),
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const id: string = created.body.id;
    await eventually(async () => {
      const { body } = await lifeline.api(`/api/v1/requests/${id}`);
      return body.renewal?.state === 'pending' ? true : undefined;
    }, 15_000);

    const { page } = await openSidebar(
      context,
      installation({ ticket: { id: 7100, requester: { email: 'it@hooli.example', name: 'Ian' } } }),
    );
    const cover = page.getByRole('region', { name: 'Cover and renewal' }).first();
    await cover.getByText('Waiting for the customer’s renewal').waitFor();
    assert.match(
      await cover.getByTestId('cover-state').innerText(),
      /works through 2026-12-09 \(12 days left\)/,
    );
    // The app's token is an engineer's: no approver's controls in the sidebar.
    assert.equal(await cover.getByRole('form', { name: 'Mark the renewal done' }).count(), 0);
    assert.equal(await cover.getByRole('form', { name: 'Extend the cover' }).count(), 0);
    assert.deepEqual(await unlabelledControls(page), []);
    await assertFitsSidebar(page);
    await screenshot(page, 'sidebar-cover-waiting');

    await cover.getByLabel('The customer’s new license').fill(expiredTrialLicense);
    await cover.getByRole('button', { name: 'Record the renewal' }).click();
    await cover
      .getByRole('alert')
      .getByText(/trial, not a renewal/)
      .waitFor();
    await cover
      .getByTestId('cover-state')
      .getByText('Waiting for the customer’s renewal')
      .waitFor();

    const attributes: LicenseAttributes = {
      version: 1,
      licensee: { Name: 'Ian', Email: 'it@hooli.example', Company: 'Hooli' },
      issued_at: '2026-12-09' as CalendarDate,
      expires_at: '2027-12-09' as CalendarDate,
      cloud_licensing_enabled: false,
      offline_cloud_licensing_enabled: false,
      auto_renew_enabled: false,
      seat_reconciliation_enabled: false,
      operational_metrics_enabled: false,
      generated_from_customers_dot: true,
      generated_from_cancellation: false,
      restrictions: { active_user_count: 320, plan: 'premium' },
    };
    await cover
      .getByLabel('The customer’s new license')
      .fill(encodeLicense(attributes, testSigningKey()));
    await cover.getByRole('button', { name: 'Record the renewal' }).click();
    await cover.getByRole('status').getByText('Renewal recorded').waitFor();
    await cover.getByTestId('cover-state').getByText('Renewed').waitFor();
    assert.match(await cover.innerText(), /Premium, 320 users, 2026-12-09 to 2027-12-09/);
    assert.match(await cover.innerText(), /recorded by sam\.agent@vendor\.example/);
    assert.equal(await cover.getByRole('form', { name: 'Record the renewal' }).count(), 0);
    await assertFitsSidebar(page);
    await screenshot(page, 'sidebar-cover-renewed');

    const { body } = await lifeline.api(`/api/v1/requests/${id}`);
    assert.equal(body.renewal.state, 'renewed');
    assert.equal(body.renewal.userCount, 320);
    await page.close();
  });
});
