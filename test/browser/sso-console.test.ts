/**
 * Single sign-on in real Chromium against the in-process OpenID Connect provider: the console's
 * "Sign in with SSO" button, the provider's login form, and back into the console with the role
 * the person's group maps to; the page a person in no mapped group gets; and a console with
 * local accounts off, which offers single sign-on only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { startSsoSetup, type SsoSetup } from '../support/sso.js';
import { launchChromium, screenshot, unlabelledControls } from './support/chromium.js';

describe('single sign-on in the console', { timeout: 120_000 }, () => {
  let setup: SsoSetup;
  let strict: SsoSetup;
  let browser: Browser;

  before(async () => {
    await buildWeb();
    [setup, strict, browser] = await Promise.all([
      startSsoSetup(),
      startSsoSetup({ env: { LIFELINE_LOCAL_ACCOUNTS: 'off' } }),
      launchChromium(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await setup?.stop();
    await strict?.stop();
  });

  const freshPage = async () =>
    (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })).newPage();
  async function signInAtProvider(page: Page, user: string) {
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await page.locator('input[name="login"]').fill(user);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
  }

  it('signs in through the identity provider with the role of the person’s group', async () => {
    setup.idp.groups.set('alice', ['licensing']);
    const page = await freshPage();
    await page.goto(setup.lifeline.url);
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    await page.getByLabel('Username').waitFor();
    assert.deepEqual(await unlabelledControls(page), []);
    await screenshot(page, 'console-sign-in-sso');

    await signInAtProvider(page, 'alice');
    assert.equal(await page.getByTestId('signed-in-as').innerText(), 'alice');
    // An approver's console: the audit log is in the menu.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Audit log' })
      .waitFor();
    assert.equal(new URL(page.url()).origin, setup.lifeline.url);
  });

  it('shows a person in no mapped group a page that says why, and signs nobody in', async () => {
    setup.idp.groups.set('mallory', ['marketing']);
    const page = await freshPage();
    await page.goto(setup.lifeline.url);
    await signInAtProvider(page, 'mallory');
    await page
      .getByRole('alert')
      .getByText(
        'mallory is signed in at the identity provider but in none of the groups that give access to Lifeline',
        { exact: false },
      )
      .waitFor();
    await screenshot(page, 'console-sso-refused');
    await page.getByRole('link', { name: 'Back to sign-in' }).click();
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    assert.equal(await page.getByTestId('signed-in-as').count(), 0);
  });

  it('offers single sign-on only when local accounts are off', async () => {
    strict.idp.groups.set('bob', ['lifeline-admins']);
    const page = await freshPage();
    await page.goto(strict.lifeline.url);
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    assert.equal(await page.getByLabel('Username').count(), 0);
    assert.equal(await page.getByText('Sign in with an API token instead').count(), 0);
    await signInAtProvider(page, 'bob');
    assert.equal(await page.getByTestId('signed-in-as').innerText(), 'bob');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Tokens' })
      .waitFor();
  });
});
