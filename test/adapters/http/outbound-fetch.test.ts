import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { RemoteFailure } from '../../../src/ports/remote-failure.js';
import { fetchJson, outboundFetch } from '../../../src/adapters/http/outbound-fetch.js';
import type { RemoteService } from '../../../src/adapters/http/remote-service.js';
import { startScriptedServer, type ScriptedServer } from '../../fakes/scripted-http-server.js';
import { rejection } from '../../support/rejection.js';

const TOKEN = 'secret-outbound-token';
const service: RemoteService = {
  name: 'Acme',
  codePrefix: 'ACME',
  urlSetting: 'ACME_URL',
  credentialSetting: 'ACME_TOKEN',
  unauthorizedHint: 'check the token',
  forbiddenHint: 'check the token may write',
  secrets: [TOKEN],
};

describe('outboundFetch and fetchJson', () => {
  let server: ScriptedServer;

  before(async () => {
    server = await startScriptedServer(
      (request) => {
        if (request.path === '/thing') return { status: 200, json: { id: 5, name: 'five' } };
        if (request.path === '/html') return { status: 200, text: '<html>Sign in</html>' };
        if (request.path === '/moved') return { status: 302, headers: { Location: '/thing' } };
        return { status: 404, json: { message: 'nope' } };
      },
      () => ({ message: 'scripted' }),
    );
  });
  after(() => server.stop());

  it('sends JSON with the given headers and parses the reply with the schema', async () => {
    const value = await fetchJson(
      {
        method: 'POST',
        url: new URL(`${server.url}/thing`),
        headers: { 'X-Token': TOKEN },
        json: { a: 1 },
        action: 'saving',
      },
      service,
      z.object({ id: z.number(), name: z.string() }),
    );
    assert.deepEqual(value, { id: 5, name: 'five' });
    const sent = server.requests.at(-1)!;
    assert.deepEqual(sent.body, { a: 1 });
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.equal(sent.headers['x-token'], TOKEN);
  });

  it("refuses a reply that is not the API's as a configuration error naming the URL setting", async () => {
    const error = await rejection(
      fetchJson(
        { method: 'GET', url: new URL(`${server.url}/html`), action: 'reading' },
        service,
        z.object({ id: z.number() }),
      ),
    );
    assert.equal(error.kind, 'configuration');
    assert.equal(error.code, 'ACME_UNEXPECTED_REPLY');
    assert.match(error.message, /ACME_URL/);
  });

  it('does not follow redirects: configuration error naming the URL setting', async () => {
    const error = await rejection(
      outboundFetch(
        { method: 'GET', url: new URL(`${server.url}/moved`), action: 'reading' },
        service,
      ),
    );
    assert.equal(error.kind, 'configuration');
    assert.equal(error.code, 'ACME_REDIRECTED');
    assert.equal(
      server.requests.filter((request) => request.path === '/thing' && request.method === 'GET')
        .length,
      0,
    );
  });

  it('classifies a scripted 429 with its Retry-After', async () => {
    server.failNext(429, { retryAfter: 7 });
    const error = await rejection(
      outboundFetch(
        { method: 'GET', url: new URL(`${server.url}/thing`), action: 'reading' },
        service,
      ),
    );
    assert.equal(error.kind, 'transient');
    assert.equal(error.retryAfterMs, 7_000);
  });

  it('lets a vendor interpret a failure first', async () => {
    const error = await rejection(
      outboundFetch(
        {
          method: 'GET',
          url: new URL(`${server.url}/missing`),
          action: 'reading',
          interpret: (reply) =>
            reply.status === 404
              ? new RemoteFailure('configuration', 'vendor says no', { code: 'ACME_VENDOR' })
              : undefined,
        },
        service,
      ),
    );
    assert.equal(error.code, 'ACME_VENDOR');
  });

  it('turns a refused connection into a transient error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = await rejection(
      outboundFetch(
        { method: 'GET', url: new URL(`http://127.0.0.1:${port}/x`), action: 'reading' },
        service,
      ),
    );
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, 'ACME_UNREACHABLE');
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('gives up after the timeout with a transient error', async () => {
    const silent = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const error = await rejection(
        outboundFetch(
          {
            method: 'GET',
            url: new URL(`http://127.0.0.1:${port}/x`),
            action: 'reading',
            timeoutMs: 150,
          },
          service,
        ),
      );
      assert.equal(error.kind, 'transient');
      assert.equal(error.code, 'ACME_TIMEOUT');
      assert.ok(Date.now() - started < 5_000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
