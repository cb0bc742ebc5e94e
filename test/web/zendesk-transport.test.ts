/** The sidebar's calls through Zendesk's proxy: each kind of missing answer gets its own advice. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiFailure, LifelineApi } from '../../web/src/shared/api.js';
import type { ZafClient } from '../../web/src/sidebar/zaf.js';
import { zendeskTransport } from '../../web/src/sidebar/zendesk-transport.js';

const identity = {
  lifelineUrl: 'https://lifeline.acme.example',
  accountUrl: 'https://acme.zendesk.com',
  agent: { id: '7', email: 'sam@acme.example', name: 'Sam' },
  ticketId: '4711',
};

/** Zendesk's SDK as it answers: it rejects with the jQuery-style response on failure. */
function zafRejecting(failure: unknown): ZafClient {
  return {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the SDK rejects with the response, not an Error
    request: () => Promise.reject(failure),
  } as unknown as ZafClient;
}

async function failureOf(client: ZafClient): Promise<ApiFailure> {
  const api = new LifelineApi(zendeskTransport(client, identity));
  try {
    await api.getRequest('r1');
  } catch (error) {
    assert.ok(error instanceof ApiFailure);
    return error;
  }
  assert.fail('the call should fail');
}

describe('the sidebar’s advice when Lifeline does not answer', () => {
  it('a timeout: try again, nothing is sent twice', async () => {
    const failure = await failureOf(zafRejecting({ status: 0, statusText: 'timeout' }));
    assert.equal(failure.code, 'TIMEOUT');
    assert.match(failure.message, /did not answer within 20 seconds/);
    assert.doesNotMatch(failure.message, /whitelist/);
  });

  it('the proxy refusing the call: the app’s package, for a Zendesk admin', async () => {
    const failure = await failureOf(
      zafRejecting({
        status: 0,
        statusText: 'secure settings are only sent to a domain in domainWhitelist',
      }),
    );
    assert.equal(failure.code, 'PROXY_REFUSED');
    assert.match(failure.message, /domain whitelist.*zendesk:package/);
  });

  it('no answer at all, or the proxy’s 502 for a Lifeline that is down: the service', async () => {
    const none = await failureOf(zafRejecting({ status: 0, statusText: 'error' }));
    assert.equal(none.code, 'UNREACHABLE');
    assert.match(none.message, /the service is down or overloaded/);
    assert.doesNotMatch(none.message, /whitelist/);
    const gateway = await failureOf(
      zafRejecting({ status: 502, statusText: 'Bad Gateway', responseText: '<html>502</html>' }),
    );
    assert.equal(gateway.code, 'LIFELINE_DOWN');
    assert.match(gateway.message, /HTTP 502/);
  });

  it('an error Lifeline answered with: its own words', async () => {
    const failure = await failureOf(
      zafRejecting({
        status: 503,
        statusText: 'Service Unavailable',
        responseJSON: { error: { code: 'NOT_READY', message: 'The database is busy.' } },
      }),
    );
    assert.equal(failure.code, 'NOT_READY');
    assert.equal(failure.message, 'The database is busy.');
  });
});
