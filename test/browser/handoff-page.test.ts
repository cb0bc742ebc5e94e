/**
 * The hand-off page in real Chromium, for an approver: the period's requests and what needs a
 * person, a hostile customer name shown as text, at 1280 and 360 px without sideways scrolling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { createConsoleUser } from '../../src/access/console-accounts.js';
import { addHandoffRequest, addWeekend } from '../handoff/handoff-fixtures.js';
import { startTestService, type TestService } from '../support/service.js';
import { launchChromium, screenshot, unlabelledControls } from './support/chromium.js';

const password = 'approver passphrase for tests';

describe('the hand-off page', { timeout: 120_000 }, () => {
  let lifeline: TestService;
  let browser: Browser;
  let page: Page;
  let since: string;

  before(async () => {
    await buildWeb();
    // The browser keeps real time (a session cookie dated in the past is dropped), so the
    // weekend is moved to the week before this one, whatever today is.
    [lifeline, browser] = await Promise.all([startTestService(), launchChromium()]);
    const week = 7 * 86_400_000;
    const shift = Math.ceil((Date.now() - Date.parse('2026-11-30T08:00:00Z')) / week) * week - week;
    since = new Date(Date.parse('2026-11-23T08:00:00Z') + shift).toISOString();
    await addWeekend(lifeline.service.store, shift);
    await addHandoffRequest(lifeline.service.store, {
      createdAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
      state: 'succeeded',
      customer: 'Tomorrow Inc',
      ticket: '777',
      licenseEndsOn: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
    });
    await createConsoleUser(lifeline.service.store.db, 'lee', password, 'approver', Date.now());
    page = await (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })).newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(lifeline.url);
    await page.getByLabel('Username').fill('lee');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').waitFor();
  });
  after(async () => {
    await browser?.close();
    await lifeline?.stop();
  });

  const overflow = (p: Page) =>
    p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it('shows the week’s requests and what needs a person, from the nav', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Hand-off' })
      .click();
    await page.getByRole('heading', { name: 'Hand-off' }).waitFor();
    assert.deepEqual(await unlabelledControls(page), []);
    await page.getByLabel('Since').fill(since);
    await page.getByRole('button', { name: 'Show' }).click();
    const requests = page.getByRole('region', { name: 'Emergency requests' });
    await requests.getByText('Ticket #1004').waitFor();
    assert.equal(await requests.getByRole('listitem').count(), 4);
    // The name is text, not markup.
    await requests.getByText('Acme <script>alert(1)</script> & Co').waitFor();
    const failed = page.getByRole('region', { name: 'Failed' });
    await failed.getByText(/could not send_email: the mail server refused/).waitFor();
    const waiting = page.getByRole('region', { name: 'Waiting for a person' });
    await waiting.getByText('awaiting_approval').waitFor();
    const ending = page.getByRole('region', { name: 'Licenses ending in the next 3 days' });
    await ending.getByText('Tomorrow Inc').waitFor();
    assert.equal(await overflow(page), 0);
    await screenshot(page, 'console-handoff-1280');
  });

  it('reads at 360 px without scrolling sideways', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.getByRole('region', { name: 'Failed' }).getByText('Ticket #1002').waitFor();
    assert.equal(await overflow(page), 0);
    await screenshot(page, 'console-handoff-360');
  });

  it('says what is wrong with a period it cannot read', async () => {
    await page.getByLabel('Since').fill('next week');
    await page.getByRole('button', { name: 'Show' }).click();
    await page
      .getByRole('alert')
      .getByText(/since must be a duration such as 3d/)
      .waitFor();
  });
});
