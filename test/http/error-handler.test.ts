/**
 * The error boundary: each kind of failure becomes its documented answer, and an unexpected
 * one never shows its message or stack.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { apiErrorCodes } from '../../src/http/api-error.js';
import { handleError } from '../../src/http/error-handler.js';

function appThrowing(error: Error) {
  const app = Fastify({ logger: false });
  app.setErrorHandler(handleError);
  app.get('/', () => {
    throw error;
  });
  return app;
}

describe('the error boundary', () => {
  it('answers 503 with Retry-After when the database pool is exhausted or SQLite is locked', async () => {
    const busy = [
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY_SNAPSHOT' }),
      Object.assign(new Error('database table is locked'), { code: 'SQLITE_LOCKED' }),
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
    ];
    for (const error of busy) {
      const answer = await appThrowing(error).inject('/');
      assert.equal(answer.statusCode, 503);
      assert.equal(answer.headers['retry-after'], '1');
      assert.equal(answer.json().error.code, 'NOT_READY');
    }
  });

  it('hides an unexpected error behind a generic 500', async () => {
    const answer = await appThrowing(new Error('secret internals at /srv/app.ts:12')).inject('/');
    assert.equal(answer.statusCode, 500);
    assert.equal(answer.json().error.code, 'INTERNAL');
    assert.doesNotMatch(answer.body, /secret internals|app\.ts/);
  });

  it('documents every code with a status', () => {
    for (const [code, { status, meaning }] of Object.entries(apiErrorCodes)) {
      assert.match(code, /^[A-Z_]+$/);
      assert.ok(status >= 400 && status < 600);
      assert.ok(meaning.length > 10);
    }
  });
});
