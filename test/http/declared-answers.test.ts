/**
 * /docs tells the truth: every route's schema declares each status it answers, with the shared
 * error body for refusals and every code; and the check the HTTP tests run their traffic
 * through (test/http/fuzz-routes, malformed-requests) does catch an undeclared answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkAnswers } from '../../src/http/answer-check.js';
import { answers, refusedCall } from '../../src/http/answers.js';
import { refusalCodes } from '../../src/refusal.js';
import { startTestService, type TestService } from '../support/service.js';

type Operation = {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: any }> }>;
};

describe('the answers each route declares', () => {
  let lifeline: TestService;
  let openapi: { info: { description: string }; paths: Record<string, Record<string, Operation>> };
  before(async () => {
    lifeline = await startTestService({}, { roles: { api: true, worker: false } });
    openapi = (await (await fetch(`${lifeline.url}/docs/json`)).json()) as typeof openapi;
  });
  after(() => lifeline.stop());

  it('gives every documented route a success status and the error body for each refusal', () => {
    const operations = Object.entries(openapi.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    assert.ok(operations.length >= 30, `only ${operations.length} operations documented`);
    for (const { path, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      const statuses = Object.keys(operation.responses ?? {});
      assert.ok(
        statuses.some((status) => /^[23]\d\d$/.test(status)),
        `${where} declares no success answer (it shows ${statuses.join(', ') || 'none'})`,
      );
      assert.ok(statuses.includes('500'), `${where} does not declare 500`);
      for (const status of statuses.filter((s) => /^[45]\d\d$/.test(s))) {
        const answer = operation.responses![status]!;
        const schema = answer.content?.['application/json']?.schema;
        assert.ok(schema, `${where} ${status} has no body schema`);
        // Single sign-on's browser navigations answer their refusals with a page, said in words.
        if (path.startsWith('/auth/oidc/') && schema.type === 'string') continue;
        // A rejected submission is recorded: its 422 is the request, not a refusal.
        if (where === 'POST /api/v1/requests' && status === '422') continue;
        const codes: string[] = schema.properties?.error?.properties?.code?.enum ?? [];
        assert.ok(codes.length > 0, `${where} ${status} is not the error body`);
        for (const code of codes) {
          assert.equal(
            refusalCodes[code as keyof typeof refusalCodes].status,
            Number(status),
            `${where} lists ${code} under ${status}`,
          );
          assert.ok(
            answer.description?.includes(code),
            `${where} ${status} does not explain ${code}`,
          );
        }
      }
    }
  });

  it('answers 202 and 422 for a submission, and lists its codes', () => {
    const submit = openapi.paths['/api/v1/requests']!.post!;
    for (const status of ['202', '422', '400', '401', '403', '409', '413', '415', '429', '503'])
      assert.ok(submit.responses?.[status], `POST /api/v1/requests does not declare ${status}`);
    const retry = openapi.paths['/api/v1/requests/{id}/retry']!.post!;
    assert.ok(retry.responses?.['202'] && !retry.responses['200']);
    assert.match(retry.responses['409']!.description ?? '', /NOTHING_TO_RETRY/);
  });

  it('lists every code with its status and meaning in the description', () => {
    for (const [code, { status, meaning }] of Object.entries(refusalCodes))
      assert.ok(
        openapi.info.description.includes(`| \`${code}\` | ${status} | ${meaning} |`),
        `${code} is not in /docs`,
      );
  });
});

describe('the check of answers against their schema', () => {
  it('reports a status the schema does not declare, and a body of another shape', async () => {
    const findings: string[] = [];
    const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));
    app.addHook(
      'onSend',
      checkAnswers((finding) => findings.push(finding)),
    );
    const schema = { response: answers({ 200: z.object({ n: z.number() }) }, refusedCall) };
    app.get('/teapot', { schema }, async (_request, reply) => {
      await reply.status(418 as 200).send({ n: 1 });
    });
    app.get('/text', { schema }, () => ({ n: 'one' }) as never);
    app.get('/fine', { schema }, () => ({ n: 1, more: true }));
    app.get('/hidden', { schema: { hide: true } }, () => ({}));
    for (const url of ['/teapot', '/text', '/fine', '/hidden', '/nowhere']) await app.inject(url);
    assert.equal(findings.length, 2, findings.join('\n'));
    assert.match(findings[0]!, /^GET \/teapot answered 418, which its schema does not declare$/);
    assert.match(findings[1]!, /^GET \/text answered 200 with a body its schema does not describe/);
  });
});
