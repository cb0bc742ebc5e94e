import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyHttpFailure,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  summarizeErrorBody,
} from '../../../src/adapters/http/classify-http-failure.js';
import type { RemoteService } from '../../../src/adapters/http/remote-service.js';
import { scrubSecrets, scrubUrl } from '../../../src/adapters/http/scrub-secrets.js';

const TOKEN = 'tok-very-secret-123';
const service: RemoteService = {
  name: 'Acme',
  codePrefix: 'ACME',
  urlSetting: 'ACME_URL',
  credentialSetting: 'ACME_TOKEN',
  unauthorizedHint: 'check the token',
  forbiddenHint: 'check the token may write',
  secrets: [TOKEN],
};
const call = { action: 'saving the thing' };

function reply(status: number, body = '', headers: Record<string, string> = {}) {
  return { status, body, headers: new Headers(headers) };
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-07T10:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Sat, 07 Mar 2026 10:01:30 GMT', now), 90_000);
  });

  it('treats a date in the past as "now" and caps long waits at 15 minutes', () => {
    assert.equal(parseRetryAfter('Sat, 07 Mar 2026 09:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('86400', now), MAX_RETRY_AFTER_MS);
    assert.equal(MAX_RETRY_AFTER_MS, 900_000);
  });

  it('ignores absent or unreadable values', () => {
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
  });
});

describe('classifyHttpFailure', () => {
  it("429 is transient with the server's wait", () => {
    const error = classifyHttpFailure(
      reply(429, 'slow down', { 'Retry-After': '12' }),
      service,
      call,
    );
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, 'ACME_RATE_LIMITED');
    assert.equal(error.retryAfterMs, 12_000);
    assert.equal(error.remoteReply, 'HTTP 429: slow down');
  });

  it('5xx, 408 and 409 are transient; a 503 may carry Retry-After too', () => {
    for (const status of [500, 502, 503, 504, 408, 409]) {
      assert.equal(
        classifyHttpFailure(reply(status), service, call).kind,
        'transient',
        String(status),
      );
    }
    assert.equal(
      classifyHttpFailure(reply(503, '', { 'Retry-After': '5' }), service, call).retryAfterMs,
      5_000,
    );
  });

  it('401 and 403 are configuration errors naming the credential setting', () => {
    const unauthorized = classifyHttpFailure(
      reply(401, '{"message":"401 Unauthorized"}'),
      service,
      call,
    );
    assert.equal(unauthorized.kind, 'configuration');
    assert.equal(
      unauthorized.message,
      'Acme refused ACME_TOKEN (401) while saving the thing: check the token',
    );
    const forbidden = classifyHttpFailure(reply(403), service, call);
    assert.equal(forbidden.kind, 'configuration');
    assert.equal(forbidden.code, 'ACME_FORBIDDEN');
    assert.match(forbidden.message, /ACME_TOKEN \(403\).*may write/);
  });

  it("404 follows the call's own reading, else is permanent", () => {
    const meaning = classifyHttpFailure(reply(404, 'gone'), service, {
      ...call,
      notFound: (body) => ({
        kind: 'configuration',
        code: 'ACME_PROJECT_NOT_FOUND',
        message: `missing: ${body}`,
      }),
    });
    assert.equal(meaning.kind, 'configuration');
    assert.equal(meaning.message, 'missing: gone');
    assert.equal(classifyHttpFailure(reply(404), service, call).kind, 'permanent');
  });

  it('other 4xx are permanent, with the reason in the message and a trimmed, scrubbed body', () => {
    const body = JSON.stringify({
      error: 'RecordInvalid',
      description: `bad ${TOKEN}`,
      pad: 'x'.repeat(900),
    });
    const error = classifyHttpFailure(reply(422, body), service, call);
    assert.equal(error.kind, 'permanent');
    assert.equal(error.code, 'ACME_REJECTED');
    assert.match(
      error.message,
      /^Acme rejected saving the thing \(HTTP 422\): RecordInvalid: bad \[redacted\]/,
    );
    assert.ok((error.remoteReply ?? '').length <= 500);
    assert.ok(!JSON.stringify([error.message, error.remoteReply]).includes(TOKEN));
  });
});

describe('summarizeErrorBody', () => {
  it('reads GitLab and Zendesk error shapes', () => {
    assert.equal(summarizeErrorBody('{"message":{"title":["is too long"]}}'), 'title: is too long');
    assert.equal(
      summarizeErrorBody(
        '{"error":"RecordInvalid","description":"Record validation errors","details":{"status":[{"description":"Status: closed prevents ticket update"}]}}',
      ),
      'RecordInvalid: Record validation errors: status: description: Status: closed prevents ticket update',
    );
    assert.equal(summarizeErrorBody('Retry later\n'), 'Retry later');
  });
});

describe('scrubSecrets', () => {
  it('removes known secrets and credential-shaped text', () => {
    assert.equal(scrubSecrets(`token ${TOKEN} here`, [TOKEN]), 'token [redacted] here');
    assert.equal(
      scrubSecrets('GET /api?private_token=abc123&x=1', []),
      'GET /api?private_token=[redacted]&x=1',
    );
    assert.equal(
      scrubSecrets('Authorization: Bearer xoxb-1-2-3', []),
      'Authorization: Bearer [redacted]',
    );
    assert.equal(scrubSecrets('{"PRIVATE-TOKEN":"glpat-x"}', []), '{"PRIVATE-TOKEN":"[redacted]"}');
  });

  it('scrubs user info and token parameters from URLs', () => {
    assert.equal(
      scrubUrl('https://me:pw@example.com/x?access_token=abc'),
      'https://redacted:redacted@example.com/x?access_token=[redacted]',
    );
  });
});
