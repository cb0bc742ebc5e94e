/**
 * Every route, on both databases, with thousands of generated bodies, paths and query strings:
 * whatever arrives, the answer is never a 5xx. Hostile numbers (2³¹, 2⁵³, 1e308, fractions),
 * NUL bytes, lone surrogates, deep JSON and odd encodings are drawn on purpose, since those are
 * what a database column refuses when the schema lets them through.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { fixtureClock, graceEndedOn, screenshotBody } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';
import { testDatabases } from '../support/databases.js';

const hostileNumber = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1,
    2.5,
    -0,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 32,
    2 ** 53,
    2 ** 63,
    2 ** 64,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    Number.MIN_VALUE,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => Number(n)),
);
const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '%', '_', '\\', "'; drop table requests; --"),
  hostileNumber.map(String),
);
const anything = fc.oneof(hostileNumber, hostileText, fc.jsonValue({ maxDepth: 2 }));
/** A value for a field: usually near what the field wants, sometimes anything at all. */
const near = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: anything, weight: 1 });

/** Sixteen days ago: the grace period ended two days ago, so a valid body is eligible. */
const expiredOn = graceEndedOn;
const fields: Record<string, fc.Arbitrary<unknown>> = {
  'ticket.id': fc.oneof(hostileNumber, hostileText),
  'ticket.url': fc.oneof(hostileText, fc.webUrl()),
  requestedBy: hostileText,
  customerEmail: fc.oneof(
    fc.emailAddress(),
    hostileText.map((t) => `${t}@fuzz.example`),
  ),
  userCount: hostileNumber,
  'evidence.plan': fc.oneof(fc.constantFrom('starter', 'premium', 'ultimate'), hostileText),
  'evidence.trial': fc.boolean(),
  'evidence.expiredOn': fc
    .date({ min: new Date(-8e15), max: new Date(8e15), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  'evidence.licensedUsers': hostileNumber,
  'evidence.screenshotsAttached': fc.boolean(),
  'evidence.licenseFile': hostileText,
  note: hostileText,
};
/** A valid, eligible body with one to three fields replaced by something hostile. */
const submission = fc
  .tuple(
    fc.uniqueArray(
      fc.tuple(
        fc.constantFrom(...Object.keys(fields)),
        fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 1 },
          { arbitrary: fc.constant('typed'), weight: 6 },
          { arbitrary: fc.constant('anything'), weight: 1 },
        ),
      ),
      { minLength: 1, maxLength: 3, selector: ([path]) => path },
    ),
    fc.record(fields),
    fc.array(anything, { minLength: 3, maxLength: 3 }),
    fc.nat(),
  )
  .map(([changes, typed, wild, n]) => {
    const body: Record<string, any> = screenshotBody(
      { expiredOn },
      { customerEmail: `fuzz-${n}@fuzz${n % 50}.example` },
    );
    changes.forEach(([path, kind], index) => {
      const [outer, inner] = path.split('.') as [string, string | undefined];
      const value = kind === undefined ? undefined : kind === 'typed' ? typed[path] : wild[index];
      const holder = inner ? (body[outer] as Record<string, unknown>) : body;
      const key = inner ?? outer;
      if (value === undefined) delete holder[key];
      else holder[key] = value;
    });
    return body;
  });

/** encodeURIComponent, for strings with lone surrogates too (they become U+FFFD, as on the wire). */
function encode(text: string): string {
  return encodeURIComponent(Buffer.from(text).toString());
}

const pathSegment = fc.oneof(
  fc.uuid(),
  hostileNumber.map(String),
  hostileText.map(encode),
  fc.constantFrom('..', '%00', '%ff', '%', '2147483648', '9223372036854775808', '-1', '0x10'),
);
const queryValue = fc.oneof(hostileText, hostileNumber.map(String), fc.uuid(), fc.emailAddress());
const queryString = fc
  .dictionary(
    fc.oneof(
      fc.constantFrom('email', 'ticket', 'state', 'since', 'limit', 'cursor', 'search'),
      fc.string(),
    ),
    fc.oneof(
      queryValue.map(encode),
      queryValue.map((v) => Buffer.from(v).toString('base64url')),
      fc.constantFrom('%', '%zz', '%00', 'a&b', '=', '', '1e3', '2147483648'),
      // A cursor that looks like ours, with a huge instant.
      hostileNumber.map((n) =>
        Buffer.from(`${BigInt(Math.trunc(Math.abs(n)))}:${crypto.randomUUID()}`).toString(
          'base64url',
        ),
      ),
    ),
    { maxKeys: 4 },
  )
  .map((entries) =>
    Object.entries(entries)
      .map(([k, v]) => `${encode(k)}=${v}`)
      .join('&'),
  );

type Call = { method: string; url: string; body?: unknown };

const routes: Array<(segment: string, query: string, body: unknown) => Call> = [
  (_s, _q, body) => ({ method: 'POST', url: '/api/v1/requests', body }),
  (_s, _q, body) => ({ method: 'POST', url: '/api/v1/eligibility', body }),
  (_s, q) => ({ method: 'GET', url: `/api/v1/requests?${q}` }),
  (s, q) => ({ method: 'GET', url: `/api/v1/requests/${s}?${q}` }),
  (s) => ({ method: 'GET', url: `/api/v1/requests/${s}/license` }),
  (s, _q, body) => ({ method: 'POST', url: `/api/v1/requests/${s}/resend`, body }),
  (s, _q, body) => ({ method: 'POST', url: `/api/v1/requests/${s}/retry`, body }),
  (_s, q) => ({ method: 'GET', url: `/api/v1/tracker/issues?${q}` }),
  (s, q) => ({ method: 'GET', url: `/api/v1/tracker/issues/${s}?${q}` }),
  (_s, _q, body) => ({ method: 'POST', url: '/api/v1/licenses/inspect', body }),
  (_s, _q, body) => ({ method: 'POST', url: '/api/v1/session', body }),
  (_s, q) => ({ method: 'GET', url: `/api/v1/session?${q}` }),
  (_s, q) => ({ method: 'DELETE', url: `/api/v1/session?${q}` }),
  (s, q) => ({ method: 'GET', url: `/${s}?${q}` }),
  (s, q) => ({ method: 'GET', url: `/api/v1/${s}?${q}` }),
  (_s, q) => ({ method: 'GET', url: `/readyz?${q}` }),
];

const otherBody = fc.oneof(
  fc.record({ email: near(fc.emailAddress()) }, { requiredKeys: [] }),
  fc.record({ license: near(hostileText) }, { requiredKeys: [] }),
  fc.record({ token: near(hostileText) }, { requiredKeys: [] }),
  fc.record({ username: near(hostileText), password: near(hostileText) }, { requiredKeys: [] }),
  anything,
);
const body = fc.oneof(submission, submission, otherBody);

for (const database of testDatabases) {
  describe(`every route under fuzzing (${database.name})`, () => {
    let lifeline: TestService;
    before(async () => {
      lifeline = await startTestService(
        { LIFELINE_RATE_LIMIT_PER_MINUTE: '1000000' },
        { database, roles: { api: true, worker: false }, clock: fixtureClock() },
      );
    });
    after(() => lifeline.stop());

    it('answers no 5xx to generated calls of every route', async () => {
      const app = lifeline.service.app;
      assert.ok(app);
      const seen = new Set<number>();
      await fc.assert(
        fc.asyncProperty(
          fc.nat(routes.length - 1),
          pathSegment,
          queryString,
          fc.option(body, { nil: undefined, freq: 5 }),
          fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
          async (route, segment, query, payload, signedIn) => {
            const call = routes[route]!(segment, query, payload);
            const answer = await app.inject({
              method: call.method as 'GET',
              url: call.url,
              headers: {
                ...(signedIn && { authorization: `Bearer ${lifeline.token}` }),
                ...(call.body !== undefined && { 'content-type': 'application/json' }),
              },
              ...(call.body !== undefined && { payload: JSON.stringify(call.body) }),
            });
            seen.add(answer.statusCode);
            assert.ok(
              answer.statusCode < 500,
              `${call.method} ${call.url} ${JSON.stringify(call.body)} → ${answer.statusCode} ${answer.body}`,
            );
          },
        ),
        { numRuns: 2_000 },
      );
      // The generators reached the database: requests were recorded, accepted and rejected.
      for (const status of [200, 202, 400, 401, 404, 422])
        assert.ok(seen.has(status), `no ${status}`);
      // And /docs told the truth about each of them: every status and body was declared.
      assert.deepEqual(
        [...new Set(lifeline.undeclaredAnswers)],
        [],
        'answers the routes’ response schemas do not declare',
      );
    });
  });
}
