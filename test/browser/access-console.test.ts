/**
 * The admin's console pages in real Chromium, and the point of them: a session in another
 * browser ends on its next call when the admin revokes its token, changes its user's role or
 * password, or disables the user. The audit page shows who did it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { createConsoleUser } from '../../src/access/console-accounts.js';
import { startTestService, type TestService } from '../support/service.js';
import { launchChromium, screenshot, unlabelledControls } from './support/chromium.js';

const adminPassword = 'admin passphrase for tests';
const userPassword = 'dana passphrase for tests';

describe('access pages in the console', { timeout: 120_000 }, () => {
  let lifeline: TestService;
  let browser: Browser;
  let admin: Page;
  let other: Page;

  before(async () => {
    await buildWeb();
    [lifeline, browser] = await Promise.all([startTestService(), launchChromium()]);
    await createConsoleUser(lifeline.service.store.db, 'ada', adminPassword, 'admin', Date.now());
    admin = await (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })).newPage();
    other = await (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })).newPage();
  });
  after(async () => {
    await browser?.close();
    await lifeline?.stop();
  });

  async function signInWithPassword(page: Page, username: string, password: string) {
    await page.goto(lifeline.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('signed-in-as').waitFor();
  }
  async function expectSignedOut(page: Page) {
    // The next call the page makes (here: the requests list with another filter) finds the
    // session gone.
    await page.evaluate(() => (location.hash = `#/requests?state=queued&t=${Date.now()}`));
    await page.getByText('Your session has ended; sign in again.').waitFor();
  }
  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

  it('shows an admin the access pages, and not the licensing ones', async () => {
    await signInWithPassword(admin, 'ada', adminPassword);
    await nav(admin, 'Tokens').waitFor();
    assert.equal(await nav(admin, 'New request').count(), 0);
  });

  it('creates a token, shows its secret once, and revoking it ends its session elsewhere', async () => {
    await nav(admin, 'Tokens').click();
    await admin.getByRole('heading', { name: 'API tokens' }).waitFor();
    assert.deepEqual(await unlabelledControls(admin), []);
    await admin.getByLabel('Name (unique)').fill('riley-laptop');
    await admin.getByLabel('Owner (the person it acts as)').fill('riley');
    await admin.getByLabel('Role').selectOption('approver');
    await admin.getByRole('button', { name: 'Create token' }).click();
    const shown = admin.getByTestId('new-token');
    await shown.waitFor();
    const secret = (await shown.locator('.mono').innerText()).trim();
    assert.match(secret, /^llt_/);
    await screenshot(admin, 'console-tokens');

    await other.goto(lifeline.url);
    await other.getByText('Sign in with an API token instead').click();
    await other.getByLabel('API token', { exact: true }).fill(secret);
    await other.getByRole('button', { name: 'Sign in with the token' }).click();
    assert.equal(await other.getByTestId('signed-in-as').innerText(), 'riley');
    await nav(other, 'Audit log').waitFor();

    await admin.getByRole('button', { name: 'Revoke riley-laptop' }).click();
    await admin.getByRole('cell', { name: 'revoked' }).waitFor();
    await expectSignedOut(other);
  });

  it('creates a token that expires on the day the admin picks', async () => {
    await nav(admin, 'Tokens').click();
    await admin.getByLabel('Name (unique)').fill('ci-runner');
    await admin.getByLabel('Role').selectOption('engineer');
    await admin.getByLabel('Expires on (optional, at 00:00 UTC)').fill('2099-01-31');
    await admin.getByRole('button', { name: 'Create token' }).click();
    await admin.getByTestId('new-token').waitFor();
    const row = admin.getByRole('row').filter({ hasText: 'ci-runner' });
    await row.getByRole('cell', { name: '2099-01-31 00:00 UTC' }).waitFor();
    assert.deepEqual(await unlabelledControls(admin), []);
    const listed = await lifeline.api('/api/v1/tokens', { token: lifeline.tokens.admin });
    const token = (listed.body.items as Array<{ name: string; expiresAt: string | null }>).find(
      (item) => item.name === 'ci-runner',
    );
    assert.equal(token?.expiresAt, '2099-01-31T00:00:00.000Z');
  });

  it('ends a user’s session when the admin changes their role, and when it disables them', async () => {
    await nav(admin, 'Users').click();
    await admin.getByLabel('Username').fill('dana');
    await admin.getByLabel('Password').fill(userPassword);
    await admin.getByRole('button', { name: 'Create user' }).click();
    await admin.getByLabel('Role of dana').waitFor();
    assert.deepEqual(await unlabelledControls(admin), []);

    await signInWithPassword(other, 'dana', userPassword);
    await nav(other, 'Requests').waitFor();
    assert.equal(
      await nav(other, 'Audit log').count(),
      0,
      'an engineer does not read the audit log',
    );
    await admin.getByLabel('Role of dana').selectOption('approver');
    await expectSignedOut(other);

    await signInWithPassword(other, 'dana', userPassword);
    await nav(other, 'Audit log').waitFor();
    await nav(admin, 'Sessions').click();
    await admin.getByRole('cell', { name: 'user dana' }).waitFor();
    await screenshot(admin, 'console-sessions');
    await nav(admin, 'Users').click();
    await admin.getByRole('button', { name: 'Disable dana' }).click();
    await admin.getByRole('cell', { name: 'disabled' }).waitFor();
    await expectSignedOut(other);
    await other.getByLabel('Username').fill('dana');
    await other.getByLabel('Password').fill(userPassword);
    await other.getByRole('button', { name: 'Sign in', exact: true }).click();
    await other.getByRole('alert').getByText('Wrong username or password.').waitFor();
  });

  it('ends a session when the password changes', async () => {
    await createConsoleUser(lifeline.service.store.db, 'pat', userPassword, 'engineer', Date.now());
    await signInWithPassword(other, 'pat', userPassword);
    const changed = await lifeline.api('/api/v1/users/pat', {
      method: 'PATCH',
      token: lifeline.tokens.admin,
      body: { password: 'a brand new passphrase' },
    });
    assert.equal(changed.status, 200);
    await expectSignedOut(other);
  });

  it('lets a user change their own password, then sign in with the new one', async () => {
    await createConsoleUser(
      lifeline.service.store.db,
      'quinn',
      userPassword,
      'engineer',
      Date.now(),
    );
    await signInWithPassword(other, 'quinn', userPassword);
    await other.getByRole('link', { name: 'Change password' }).click();
    await other.getByRole('heading', { name: 'Change your password' }).waitFor();
    assert.deepEqual(await unlabelledControls(other), []);
    await other.getByLabel('Current password').fill('not my password');
    await other.getByLabel('New password', { exact: true }).fill('quinn’s new passphrase here');
    await other.getByLabel('New password again').fill('quinn’s new passphrase here');
    await other.getByRole('button', { name: 'Change password' }).click();
    await other.getByRole('alert').getByText('The current password is not right.').waitFor();
    await other.getByLabel('Current password').fill(userPassword);
    await other.getByRole('button', { name: 'Change password' }).click();
    await other.getByText('Your password is changed: sign in with the new one.').waitFor();
    await signInWithPassword(other, 'quinn', 'quinn’s new passphrase here');
    assert.equal(await other.getByTestId('signed-in-as').innerText(), 'quinn');
  });

  it('lists who did what on the audit page, filtered by action', async () => {
    await nav(admin, 'Audit log').click();
    await admin.getByLabel('Action').fill('token.revoked');
    await admin.getByRole('button', { name: 'Filter' }).click();
    const table = admin.getByRole('table', { name: 'Audit entries' });
    await admin.waitForFunction(
      () =>
        document.querySelectorAll('table[aria-label="Audit entries"] tbody tr').length === 1 &&
        document
          .querySelector('table[aria-label="Audit entries"] tbody')
          ?.textContent?.includes('token.revoked'),
    );
    await table.getByRole('cell', { name: 'token riley-laptop', exact: true }).waitFor();
    assert.match(await table.innerText(), /ada \(admin, /);
    assert.deepEqual(await unlabelledControls(admin), []);
    await screenshot(admin, 'console-audit');
  });
});
