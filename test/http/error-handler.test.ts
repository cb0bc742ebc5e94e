/**
 * The error boundary: each kind of failure becomes its documented answer, and an unexpected
 * one never shows its message or stack.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
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

  it('says where a call went wrong in words, not in framework words ("The params is not valid")', async () => {
    const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(handleError);
    app.get(
      '/things/:id',
      {
        schema: {
          params: z.object({ id: z.string().regex(/^\d+$/, 'Must be digits.') }),
          querystring: z.object({ limit: z.coerce.number().int().max(10).optional() }),
        },
      },
      () => ({}),
    );
    const path = await app.inject('/things/abc');
    assert.equal(path.statusCode, 400);
    assert.equal(
      path.json().error.message,
      'The address (a value in the path) needs fixing: params.id must be digits.',
    );
    const query = await app.inject('/things/1?limit=99');
    assert.equal(query.statusCode, 400);
    assert.match(query.json().error.message, /^The query string needs fixing: querystring\.limit /);
    assert.doesNotMatch(query.body, /The querystring is not valid/);
  });

  it('documents every code with a status', () => {
    for (const [code, { status, meaning }] of Object.entries(apiErrorCodes)) {
      assert.match(code, /^[A-Z_]+$/);
      assert.ok(status >= 400 && status < 600);
      assert.ok(meaning.length > 10);
    }
  });
});
