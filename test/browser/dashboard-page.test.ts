/**
 * The dashboard in real Chromium: an approver lands on it; counts open the filtered request
 * list; covers ending soon, the time-to-renewal chart, repeat customers and what needs a person
 * show, at 1280 and 360 px without sideways scrolling. An engineer lands on the request list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { createConsoleUser } from '../../src/access/console-accounts.js';
import { defaultPolicySettings } from '../../src/policy/settings.js';
import { recordRenewal } from '../../src/requests/record-renewal.js';
import { addHandoffRequest } from '../handoff/handoff-fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { launchChromium, screenshot, unlabelledControls } from './support/chromium.js';

const password = 'dashboard passphrase for tests';
const day = 86_400_000;

describe('the dashboard page', { timeout: 120_000 }, () => {
  let lifeline: TestService;
  let browser: Browser;
  let page: Page;
  let endingId: string;

  before(async () => {
    await buildWeb();
    // The browser keeps real time (a session cookie dated in the past is dropped), so the
    // requests are dated from now.
    [lifeline, browser] = await Promise.all([startTestService(), launchChromium()]);
    const store = lifeline.service.store;
    const now = Date.now();
    const ago = (days: number) => new Date(now - days * day).toISOString();
    const addWith = async (
      fixture: Parameters<typeof addHandoffRequest>[1],
      set: { cover_state?: string; customer_domain?: string; customer_email?: string } = {},
    ) => {
      const id = await addHandoffRequest(store, fixture);
      if (Object.keys(set).length > 0)
        await store.db.updateTable('requests').set(set).where('id', '=', id).execute();
      return id;
    };
    const renewed = await addWith(
      {
        createdAt: ago(4),
        state: 'succeeded',
        customer: 'Repeat & Sons',
        ticket: '501',
        licenseEndsOn: ago(-6).slice(0, 10),
      },
      {
        cover_state: 'pending',
        customer_domain: 'repeat.example',
        customer_email: 'it@repeat.example',
      },
    );
    await recordRenewal(
      store.db,
      {
        evidenceKeys: [],
        policy: defaultPolicySettings,
        destinations: { notice: '#licensing', ticket: 'zendesk', tracker: 'gitlab' },
      },
      renewed,
      { reason: 'the signed order form came in' },
      { actor: 'lee', role: 'approver', address: 'local' },
      now,
    );
    endingId = await addWith(
      {
        createdAt: ago(1),
        state: 'succeeded',
        customer: 'Repeat & Sons',
        requester: 'jane',
        ticket: '502',
        licenseEndsOn: ago(-2).slice(0, 10),
      },
      {
        cover_state: 'pending',
        customer_domain: 'repeat.example',
        customer_email: 'oncall-with-a-rather-long-address@repeat.example',
      },
    );
    await addWith(
      {
        createdAt: ago(1),
        state: 'failed',
        requester: 'jane',
        customer: 'Globex',
        ticket: '503',
        failure: { step: 'send_email', message: 'the mail server refused <admin@globex.example>' },
      },
      { customer_domain: 'globex.example', customer_email: 'admin@globex.example' },
    );
    await addWith(
      {
        createdAt: ago(0.5),
        state: 'awaiting_approval',
        requester: 'kim',
        customer: 'Initech',
        ticket: '504',
      },
      { customer_domain: 'initech.example', customer_email: 'it@initech.example' },
    );
    await createConsoleUser(store.db, 'lee', password, 'approver', now);
    await createConsoleUser(store.db, 'eve', password, 'engineer', now);
    page = await (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })).newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, 'lee');
  });
  after(async () => {
    await browser?.close();
    await lifeline?.stop();
  });

  async function signIn(p: Page, username: string) {
    await p.goto(lifeline.url);
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
    await p.getByTestId('signed-in-as').waitFor();
  }

  const overflow = (p: Page) =>
    p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it('is where an approver lands, with the period at a glance', async () => {
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    assert.deepEqual(await unlabelledControls(page), []);
    const glance = page.getByRole('region', { name: 'At a glance' });
    assert.equal(await glance.getByRole('link', { name: /^4 Requests$/ }).count(), 1);
    assert.equal(await glance.getByRole('link', { name: /^2 Issued$/ }).count(), 1);
    assert.equal(await glance.getByRole('link', { name: /^1 Awaiting approval$/ }).count(), 1);
    await glance.getByText('jane (2)').waitFor();
    const ending = page.getByRole('region', { name: 'Covers ending soon' });
    await ending.getByText('2 days left').waitFor();
    assert.equal(
      await ending.getByRole('link').getAttribute('href'),
      `#/requests/${encodeURIComponent(endingId)}`,
    );
    const covers = page.getByRole('region', { name: 'Covers' });
    await covers.getByText(/renewed/).waitFor();
    const chart = page.getByRole('region', { name: 'Time to renewal' });
    await chart.getByText('Median 4 days.').waitFor();
    assert.equal(await chart.getByRole('listitem', { name: '4 days: 1' }).count(), 1);
    assert.equal(await chart.getByRole('listitem', { name: '3 days: 0' }).count(), 1);
    const repeat = page.getByRole('region', { name: 'Repeat customers' });
    await repeat.getByText('Repeat & Sons').waitFor();
    assert.equal(await repeat.getByRole('listitem').count(), 1);
    await repeat.getByText(/2 requests/).waitFor();
    const needs = page.getByRole('region', { name: 'Needs a person' });
    await needs.getByText(/could not send_email: the mail server refused <admin@globex/).waitFor();
    await needs
      .getByRole('region', { name: 'Waiting for a person' })
      .getByText('Initech')
      .waitFor();
    assert.equal(await overflow(page), 0);
    await screenshot(page, 'console-dashboard-1280');
  });

  it('opens the request list filtered as the count was made', async () => {
    await page
      .getByRole('region', { name: 'At a glance' })
      .getByRole('link', { name: /Failed$/ })
      .click();
    await page.waitForURL(/#\/requests\?state=failed&since=\d{4}-\d\d-\d\d$/);
    await page.getByText('503').first().waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  });

  it('reads at 360 px without scrolling sideways', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page
      .getByRole('region', { name: 'Time to renewal' })
      .getByText('Median 4 days.')
      .waitFor();
    assert.equal(await overflow(page), 0);
    await screenshot(page, 'console-dashboard-360');
  });

  it('lets an engineer land on the request list, the dashboard one click away', async () => {
    const other = await (
      await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })
    ).newPage();
    await signIn(other, 'eve');
    await other.getByRole('heading', { name: 'Requests', level: 1 }).waitFor();
    await other
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Dashboard' })
      .click();
    await other.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await other.context().close();
  });
});
