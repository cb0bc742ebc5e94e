/**
 * Numbers beyond what a column holds are refused by the schema with a sentence (400), on both
 * databases alike: PostgreSQL's 32-bit integer columns used to answer 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyAuditLog } from '../../src/audit/audit-store.js';
import { fixtureClock, graceEndedOn, screenshotBody } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';
import { testDatabases } from '../support/databases.js';

const expiredOn = graceEndedOn;

for (const database of testDatabases) {
  describe(`numbers at the edge of the columns (${database.name})`, () => {
    let lifeline: TestService;
    before(async () => {
      lifeline = await startTestService(
        { LIFELINE_RATE_LIMIT_PER_MINUTE: '100000' },
        { database, roles: { api: true, worker: false }, clock: fixtureClock() },
      );
    });
    after(() => lifeline.stop());

    it('refuses a user count of 2³¹ with a sentence naming the field', async () => {
      const answer = await lifeline.api('/api/v1/requests', {
        body: screenshotBody({ expiredOn }, { userCount: 2 ** 31 }),
      });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error.details[0].field, 'body.userCount');
      assert.match(answer.body.error.message, /at most 2147483647/);
    });

    it('records 2³¹ − 1 users as a rejection by the policy', async () => {
      const answer = await lifeline.api('/api/v1/requests', {
        body: screenshotBody(
          { expiredOn },
          { userCount: 2 ** 31 - 1, customerEmail: 'max@bounds.example' },
        ),
      });
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      const stored = await lifeline.api(`/api/v1/requests/${answer.body.id}`);
      assert.equal(stored.body.state, 'rejected');
      assert.equal(stored.body.userCount, 2 ** 31 - 1);
    });

    it('refuses licensed users beyond the column', async () => {
      const answer = await lifeline.api('/api/v1/eligibility', {
        body: screenshotBody({ expiredOn, licensedUsers: 2 ** 40 }),
      });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error.details[0].field, 'body.evidence.licensedUsers');
    });

    it('answers 400 for a tracker issue number beyond the column and 404 at its edge', async () => {
      const beyond = await lifeline.api('/api/v1/tracker/issues/2147483648');
      assert.equal(beyond.status, 400);
      assert.match(beyond.body.error.message, /at most 2147483647/);
      const edge = await lifeline.api('/api/v1/tracker/issues/2147483647');
      assert.equal(edge.status, 404);
    });

    it('answers 400 for a cursor naming an instant beyond any column', async () => {
      const cursor = Buffer.from(`99999999999999999999:${crypto.randomUUID()}`).toString(
        'base64url',
      );
      const answer = await lifeline.api(`/api/v1/requests?cursor=${cursor}`);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error.code, 'INVALID_CURSOR');
    });

    it('answers 4xx for text the database cannot hold (a NUL byte)', async () => {
      const answer = await lifeline.api('/api/v1/requests', {
        body: screenshotBody(
          { expiredOn },
          { note: 'a\u0000b', customerEmail: 'nul@bounds.example' },
        ),
      });
      assert.equal(answer.status, 400, String(answer.status));
      assert.equal(answer.body.error.details[0].field, 'body.note');
      const search = await lifeline.api('/api/v1/requests?ticket=a%00b');
      assert.equal(search.status, 400);
    });

    it('answers 4xx for half a surrogate pair, signed in or not, and the audit log still verifies', async () => {
      const note = await lifeline.api('/api/v1/requests', {
        body: `{"note":"broken \\ud800 text","customerEmail":"lone@bounds.example"}`,
      });
      assert.equal(note.status, 400, JSON.stringify(note.body));
      assert.equal(note.body.error.details[0].field, 'body.note');
      assert.match(note.body.error.message, /surrogate pair/);
      // A failed sign-in is audited with the name it gave: that name once broke the chain.
      const signIn = await lifeline.api('/api/v1/session', {
        token: '',
        body: '{"username":"mallory\\ud800","password":"whatever-guess"}',
      });
      assert.equal(signIn.status, 400, JSON.stringify(signIn.body));
      assert.equal(signIn.body.error.details[0].field, 'body.username');
      // A whole character made of a pair is text, and is taken.
      const pair = await lifeline.api('/api/v1/session', {
        token: '',
        body: '{"username":"mallory\\ud83d\\ude00","password":"whatever-guess"}',
      });
      assert.equal(pair.status, 401, JSON.stringify(pair.body));
      assert.equal((await verifyAuditLog(lifeline.service.store.db)).broken, undefined);
    });

    it('answers 400 for a body nested thousands deep, before signing in', async () => {
      const deep = '['.repeat(5_000) + ']'.repeat(5_000);
      for (const path of ['/api/v1/session', '/api/v1/eligibility']) {
        const token = path === '/api/v1/session' ? '' : undefined;
        const answer = await lifeline.api(path, {
          ...(token !== undefined && { token }),
          body: deep,
        });
        assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
        assert.match(answer.body.error.message, /nested more than 32 levels deep/);
      }
    });
  });
}
