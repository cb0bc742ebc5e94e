/**
 * Evidence checked on the ticket: with Zendesk configured, screenshot values need images on the
 * ticket (read through the Ticket Comments API of the Zendesk fake), a `.gitlab-license`
 * attachment is the evidence when the engineer gave none, and Zendesk being down leaves the
 * evidence rule not checked, with a sentence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clockOnDay } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startZendeskServer, type FakeZendesk } from '../fakes/zendesk-server.js';
import { testDatabases } from '../support/databases.js';
import { expiredPremiumLicense, fixtureDay, screenshotBody } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

for (const database of testDatabases) {
  describe(`evidence checked on the Zendesk ticket (${database.name})`, () => {
    let zendesk: FakeZendesk;
    let lifeline: TestService;

    before(async () => {
      zendesk = await startZendeskServer();
      lifeline = await startTestService(fakeRemotesEnv({ zendesk }), {
        clock: clockOnDay(calendarDate(fixtureDay)),
        database,
        roles: { api: true, worker: false },
      });
    });
    after(async () => {
      await lifeline.stop();
      await zendesk.stop();
    });

    const ticketFor = (id: number) => ({
      id: String(id),
      url: `${zendesk.url}/agent/tickets/${id}`,
    });
    const evidenceRule = (body: { decision: { rules: Array<Record<string, unknown>> } }) =>
      body.decision.rules.find((rule) => rule.rule === 'evidence') as Record<string, any>;

    it('takes the ticket’s license file as the evidence and lists the two screenshots', async () => {
      zendesk.addTicket(5001);
      const [first, second, file] = zendesk.attach(5001, [
        { fileName: 'dashboard.png', contentType: 'image/png', content: png },
        { fileName: 'subscription.png', contentType: 'image/png', content: png },
        {
          fileName: 'acme.gitlab-license',
          contentType: 'application/octet-stream',
          content: expiredPremiumLicense,
        },
      ]);
      const body = {
        ticket: ticketFor(5001),
        customerEmail: 'it@ticket-file.example',
        userCount: 500,
        evidence: { maximumUsers: 480 },
      };
      const answer = await lifeline.api('/api/v1/requests', { body });
      assert.equal(answer.status, 202, JSON.stringify(answer.body.decision?.rules));
      const rule = evidenceRule(answer.body);
      assert.equal(rule.code, 'EVIDENCE_OK');
      assert.equal(answer.body.decision.facts.source, 'license_file');
      assert.equal(answer.body.decision.facts.company, 'Acme Industries');
      assert.deepEqual(rule.attachments, [
        {
          id: file?.id,
          fileName: 'acme.gitlab-license',
          contentType: 'application/octet-stream',
          size: file?.size,
        },
      ]);
      assert.match(
        rule.message,
        new RegExp(`attachment acme\\.gitlab-license \\(.*, id ${file?.id}\\)`),
      );
      const downloads = zendesk.requests.filter((r) => r.path.startsWith('/attachments/token/'));
      assert.equal(downloads.length, 1, 'only the license file is downloaded');

      // Typed screenshot values on the same ticket: the two images are recorded in the decision.
      const typed = await lifeline.api('/api/v1/eligibility', {
        body: screenshotBody(
          {},
          { ticket: ticketFor(5001), customerEmail: 'x@ticket-shots.example' },
        ),
      });
      assert.equal(typed.status, 200);
      const shots = typed.body.rules.find((r: { rule: string }) => r.rule === 'evidence');
      assert.equal(shots.code, 'EVIDENCE_OK');
      assert.deepEqual(
        shots.attachments.map((a: { id: number; fileName: string; size: number }) => [
          a.id,
          a.fileName,
          a.size,
        ]),
        [
          [first?.id, 'dashboard.png', png.length],
          [second?.id, 'subscription.png', png.length],
        ],
      );
      assert.match(
        shots.message,
        /Screenshots on ticket #5001: dashboard\.png \(16 bytes, id \d+\), subscription\.png/,
      );
    });

    it('refuses screenshot values when the ticket has no images, with a sentence', async () => {
      zendesk.addTicket(5002);
      zendesk.attach(5002, [{ fileName: 'notes.txt', contentType: 'text/plain', content: 'hi' }]);
      const answer = await lifeline.api('/api/v1/requests', {
        body: screenshotBody({}, { ticket: ticketFor(5002), customerEmail: 'it@no-shots.example' }),
      });
      assert.equal(answer.status, 422);
      const rule = evidenceRule(answer.body);
      assert.equal(rule.passed, false);
      assert.equal(rule.code, 'SCREENSHOTS_NOT_ON_TICKET');
      assert.equal(
        rule.message,
        'The values are said to come from screenshots, but ticket #5002 has no images among its 1 attachment: ask the customer for the two screenshots (Admin Area › Overview › Dashboard, and Admin Area › Subscription) on the ticket, or attach their license file.',
      );

      zendesk.addTicket(5003);
      const none = await lifeline.api('/api/v1/requests', {
        body: {
          ticket: ticketFor(5003),
          customerEmail: 'it@no-file.example',
          userCount: 100,
          evidence: { maximumUsers: 100 },
        },
      });
      assert.equal(none.status, 422);
      assert.equal(evidenceRule(none.body).code, 'EVIDENCE_MISSING');
    });

    it('decides a submission on the live check’s read of the screenshots, never on a read without them', async () => {
      zendesk.addTicket(5004);
      const body = screenshotBody(
        {},
        { ticket: ticketFor(5004), customerEmail: 'it@read-once.example' },
      );
      const reads = () =>
        zendesk.requests.filter((r) => r.path === '/api/v2/tickets/5004/comments.json').length;

      // No screenshots yet: the live check says so, and that read is not kept.
      const early = await lifeline.api('/api/v1/eligibility', { body });
      assert.equal(
        early.body.rules.find((r: { rule: string }) => r.rule === 'evidence').passed,
        false,
      );
      zendesk.attach(5004, [
        { fileName: 'dashboard.png', contentType: 'image/png', content: png },
        { fileName: 'subscription.png', contentType: 'image/png', content: png },
      ]);
      const live = await lifeline.api('/api/v1/eligibility', { body });
      assert.equal(
        live.body.rules.find((r: { rule: string }) => r.rule === 'evidence').code,
        'EVIDENCE_OK',
      );
      assert.equal(reads(), 2);

      // The submission that follows decides on the read that showed them: no third call.
      const answer = await lifeline.api('/api/v1/requests', { body });
      assert.equal(answer.status, 202, JSON.stringify(answer.body.decision?.rules));
      assert.equal(evidenceRule(answer.body).code, 'EVIDENCE_OK');
      assert.match(
        evidenceRule(answer.body).message,
        /Screenshots on ticket #5004: dashboard\.png/,
      );
      assert.equal(reads(), 2);
    });

    it('holds the request for an approver when Zendesk cannot be reached', async () => {
      zendesk.failNext(503, {}, 1);
      const answer = await lifeline.api('/api/v1/requests', {
        body: screenshotBody(
          {},
          { ticket: ticketFor(4711), customerEmail: 'it@zendesk-down.example' },
        ),
      });
      assert.equal(answer.status, 202);
      assert.equal(
        answer.body.state,
        'awaiting_approval',
        'not issued while nobody has seen the screenshots',
      );
      assert.deepEqual(
        answer.body.decision.guardrails.map((held: { code: string }) => held.code),
        ['TICKET_NOT_CHECKED'],
      );
      const rule = evidenceRule(answer.body);
      assert.equal(rule.code, 'ZENDESK_UNREACHABLE');
      assert.equal(rule.notChecked, true);
      assert.match(
        rule.message,
        /^Not checked: Zendesk could not be reached to see the screenshots on ticket #4711 \(.+\)\. An approver can accept the values/,
      );
    });
  });
}
