/**
 * Bad input gets a 4xx with a message a person can act on: never a 5xx, never a stack trace.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { screenshotBody } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';
import { testDatabases } from '../support/databases.js';

for (const database of testDatabases) {
  describe(`malformed requests (${database.name})`, () => {
    let lifeline: TestService;
    before(async () => {
      lifeline = await startTestService({ LIFELINE_RATE_LIMIT_PER_MINUTE: '100000' }, { database });
    });
    after(() => lifeline.stop());
    // Every answer of the corpus below is one its route's schema (and so /docs) declares.
    after(() => assert.deepEqual([...new Set(lifeline.undeclaredAnswers)], []));

    const valid = screenshotBody({}, { customerEmail: 'corpus@malformed.example' });
    const corpus: Array<[string, unknown]> = [
      ['an empty object', {}],
      ['an array', [valid]],
      ['a string', 'hello'],
      ['a number', 42],
      ['null', null],
      ['no ticket', { ...valid, ticket: undefined }],
      ['a ticket without url', { ...valid, ticket: { id: '1' } }],
      [
        'a ticket url that is not http',
        { ...valid, ticket: { id: '1', url: 'javascript:alert(1)' } },
      ],
      [
        'a ticket id that is an object',
        { ...valid, ticket: { id: { a: 1 }, url: 'https://x.example/1' } },
      ],
      ['no email', { ...valid, customerEmail: undefined }],
      ['an email without @', { ...valid, customerEmail: 'not-an-email' }],
      ['a huge email', { ...valid, customerEmail: `${'a'.repeat(300)}@x.example` }],
      ['a user count as text', { ...valid, userCount: 'many' }],
      ['a user count of Infinity (as a string)', { ...valid, userCount: 'Infinity' }],
      ['no evidence', { ...valid, evidence: undefined }],
      ['empty evidence', { ...valid, evidence: {} }],
      [
        'evidence with a bad date',
        { ...valid, evidence: { ...valid.evidence, expiredOn: '2026-02-30' } },
      ],
      [
        'evidence with an unknown plan',
        { ...valid, evidence: { ...valid.evidence, plan: 'platinum' } },
      ],
      [
        'evidence with screenshotsAttached as text',
        { ...valid, evidence: { ...valid.evidence, screenshotsAttached: 'yes' } },
      ],
      ['an unknown field', { ...valid, discount: 100 }],
      ['a license file that is a number', { ...valid, evidence: { licenseFile: 12 } }],
      ['a note too long', { ...valid, note: 'x'.repeat(5_000) }],
    ];

    for (const [what, body] of corpus) {
      it(`answers 400 with field details for ${what}`, async () => {
        const answer = await lifeline.api('/api/v1/requests', {
          body: JSON.stringify(body),
          method: 'POST',
        });
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(answer.body.error.code, 'VALIDATION_FAILED');
        assert.ok(answer.body.error.message.length > 10);
        assert.doesNotMatch(JSON.stringify(answer.body), /at .*\.ts:\d+|node_modules/);
      });
    }

    it('names the field and says what to do', async () => {
      const answer = await lifeline.api('/api/v1/requests', {
        body: { ...valid, customerEmail: 'nope' },
      });
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body.error.details, [
        {
          field: 'body.customerEmail',
          message: "customerEmail must be the customer's email address",
        },
      ]);
    });

    it('lists every field the screenshots need', async () => {
      const answer = await lifeline.api('/api/v1/requests', {
        body: { ...valid, evidence: { plan: 'premium' } },
      });
      assert.equal(answer.status, 400);
      const fields = (answer.body.error.details as Array<{ field: string }>)
        .map((d) => d.field)
        .sort();
      assert.deepEqual(fields, [
        'body.evidence.expiredOn',
        'body.evidence.licensedUsers',
        'body.evidence.maximumUsers',
        'body.evidence.screenshotsAttached',
      ]);
    });

    it('answers 400 in the API’s error shape for an address that is not a valid URL', async () => {
      for (const path of ['/api/v1/requests/%ZZ', '/api/v1/requests/a%2']) {
        const answer = await lifeline.api(path);
        assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error.code, 'VALIDATION_FAILED', path);
        assert.match(answer.body.error.message, /not a valid URL/);
      }
    });

    it('answers 400 for a body that is not JSON', async () => {
      const answer = await lifeline.api('/api/v1/requests', {
        method: 'POST',
        body: '{"ticket": ',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error.code, 'INVALID_JSON');
    });

    it('answers 415 for a body that is not JSON at all', async () => {
      const answer = await lifeline.api('/api/v1/requests', {
        method: 'POST',
        body: 'a=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(answer.status, 415);
      assert.equal(answer.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 413 for a body that is too large', async () => {
      const answer = await lifeline.api('/api/v1/requests', {
        method: 'POST',
        body: JSON.stringify({ ...valid, note: 'x'.repeat(400_000) }),
      });
      assert.equal(answer.status, 413);
    });

    it('answers 400 for an id that is not a request id, and 404 for one that does not exist', async () => {
      const bad = await lifeline.api('/api/v1/requests/not-a-uuid');
      assert.equal(bad.status, 400);
      const missing = await lifeline.api('/api/v1/requests/00000000-0000-4000-8000-000000000000');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'NOT_FOUND');
      const resend = await lifeline.api(
        '/api/v1/requests/00000000-0000-4000-8000-000000000000/retry',
        { method: 'POST' },
      );
      assert.equal(resend.status, 404);
    });

    it('answers 404 in the same shape for an unknown route', async () => {
      const answer = await lifeline.api('/api/v1/nothing-here');
      assert.equal(answer.status, 404);
      assert.equal(answer.body.error.code, 'NOT_FOUND');
    });

    it('never answers 5xx to arbitrary JSON bodies', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
          const answer = await lifeline.api('/api/v1/requests', {
            method: 'POST',
            body: JSON.stringify(body),
          });
          assert.ok(
            answer.status >= 400 && answer.status < 500,
            `status ${answer.status} for ${JSON.stringify(body)}`,
          );
        }),
        { numRuns: 60 },
      );
    });

    it('never answers 5xx to arbitrary variations of a valid body', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            userCount: fc.oneof(fc.double(), fc.integer(), fc.string()),
            expiredOn: fc.oneof(
              fc.string(),
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
            ),
            licensedUsers: fc.oneof(fc.integer(), fc.double()),
            email: fc.oneof(fc.emailAddress(), fc.string()),
          }),
          async (v) => {
            const body = {
              ...valid,
              userCount: v.userCount,
              customerEmail: v.email,
              evidence: {
                plan: 'premium',
                expiredOn: v.expiredOn,
                licensedUsers: v.licensedUsers,
                maximumUsers: 1,
                screenshotsAttached: true,
              },
            };
            const answer = await lifeline.api('/api/v1/eligibility', { body });
            assert.ok(
              [200, 400].includes(answer.status),
              `status ${answer.status}: ${JSON.stringify(answer.body)}`,
            );
          },
        ),
        { numRuns: 60 },
      );
    });
  });
}

for (const database of testDatabases) {
  describe(`authentication and limits (${database.name})`, () => {
    let lifeline: TestService;
    before(async () => {
      lifeline = await startTestService({ LIFELINE_RATE_LIMIT_PER_MINUTE: '5' }, { database });
    });
    after(() => lifeline.stop());
    after(() => assert.deepEqual([...new Set(lifeline.undeclaredAnswers)], []));

    it('refuses calls without a token, with a wrong token and with a malformed header', async () => {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer llt_wrong' },
        { authorization: 'Basic abc' },
      ];
      for (const headers of attempts) {
        const answer = await lifeline.api('/api/v1/requests', { token: null, headers });
        assert.equal(answer.status, 401);
        assert.equal(answer.body.error.code, 'UNAUTHENTICATED');
      }
    });

    it('refuses a JWT when the Zendesk app is not configured', async () => {
      const answer = await lifeline.api('/api/v1/requests', {
        token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
      });
      assert.equal(answer.status, 401);
    });

    it('limits calls per caller per minute with Retry-After', async () => {
      // The window is the clock minute: start well inside one so the count cannot reset mid-test.
      const toBoundary = 60_000 - (Date.now() % 60_000);
      if (toBoundary < 3_000) await new Promise((resolve) => setTimeout(resolve, toBoundary + 50));
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 7; i += 1) {
        const answer = await lifeline.api('/api/v1/tracker/issues');
        statuses.push(answer.status);
        if (answer.status === 429) retryAfter = answer.headers.get('retry-after');
      }
      assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
      assert.equal(statuses[5], 429);
      assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60);
      const other = await lifeline.api('/api/v1/tracker/issues', {
        token: lifeline.tokens.approver,
      });
      assert.equal(other.status, 200, 'another caller has its own count');
    });

    it('answers health and readiness without a token', async () => {
      assert.equal((await lifeline.api('/healthz', { token: null })).status, 200);
      const ready = await lifeline.api('/readyz', { token: null });
      assert.equal(ready.status, 200);
      assert.equal(ready.body.database, database.name);
      const metrics = await fetch(`${lifeline.url}/metrics`);
      assert.match(await metrics.text(), /lifeline_requests/);
      const docs = await fetch(`${lifeline.url}/docs/json`);
      const openapi = (await docs.json()) as { paths: Record<string, unknown> };
      assert.ok(openapi.paths['/api/v1/requests']);
    });
  });
}
