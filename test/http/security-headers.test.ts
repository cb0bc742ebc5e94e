/**
 * The security headers fit the deployment: over plain HTTP the browser is not asked to upgrade
 * its requests to https (which left the console a blank page on any host name but localhost),
 * and HSTS is sent only when the public URL is https.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestService, type TestService } from '../support/service.js';

describe('security headers', () => {
  let plain: TestService;
  let tls: TestService;
  before(async () => {
    [plain, tls] = await Promise.all([
      startTestService({ LIFELINE_PUBLIC_URL: 'http://lifeline.internal:8080' }),
      startTestService({ LIFELINE_PUBLIC_URL: 'https://lifeline.vendor.example' }),
    ]);
  });
  after(() => Promise.all([plain.stop(), tls.stop()]));

  it('asks for no upgrade and no HSTS when the public URL is plain http', async () => {
    const answer = await fetch(`${plain.url}/`);
    const csp = answer.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/);
    assert.equal(answer.headers.get('strict-transport-security'), null);
  });

  it('asks for both when the public URL is https', async () => {
    const answer = await fetch(`${tls.url}/`);
    assert.match(answer.headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/);
    assert.match(answer.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
  });
});
