/**
 * The console over plain HTTP on a host name that is not localhost (as behind a plain-HTTP
 * proxy or in the Docker image): Chromium resolves lifeline.internal to the test service on
 * 127.0.0.1, and the console's scripts must load and draw the sign-in page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { startTestService, type TestService } from '../support/service.js';
import { chromiumArgs, chromiumPath } from './support/chromium.js';

describe('the console over plain HTTP', { timeout: 60_000 }, () => {
  let lifeline: TestService;
  let browser: Browser;
  before(async () => {
    await buildWeb();
    lifeline = await startTestService();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [...chromiumArgs, '--host-resolver-rules=MAP lifeline.internal 127.0.0.1'],
      headless: true,
    });
  });
  after(async () => {
    await browser?.close();
    await lifeline?.stop();
  });

  it('draws the sign-in page at http://lifeline.internal', async () => {
    const port = new URL(lifeline.url).port;
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    await page.goto(`http://lifeline.internal:${port}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 15_000 });
    assert.deepEqual(failed, []);
    assert.ok(page.url().startsWith('http://lifeline.internal:'), page.url());
  });
});
