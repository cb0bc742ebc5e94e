/**
 * Guardrails end to end, on both databases: each one takes a request to awaiting_approval; an
 * approver who is not the requester approves it (the license is issued) or declines it (it ends
 * rejected); nobody does and it expires at the deadline, once, on a fixed clock that jumps. The
 * honest request goes straight through; resends past the request's domain or the limit need an
 * approver.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../src/access/api-tokens.js';
import { clockOnDay, type Clock } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';
import { testDatabases } from '../support/databases.js';
import {
  eligibleBody,
  expiredTrialLicense,
  fixtureDay,
  screenshotBody,
} from '../support/requests.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

/** The fixture day all along (the policy's window), with milliseconds that jump when told. */
function jumpingClock(): Clock & { jump(ms: number): void } {
  const base = clockOnDay(calendarDate(fixtureDay));
  let offset = 0;
  return {
    now: () => base.now() + offset,
    today: () => base.today(),
    moment: () => base.moment(),
    jump: (ms) => {
      offset += ms;
    },
  };
}

const HOUR = 3_600_000;

/**
 * An in-policy request for a customer of its own: typed values (the fixture license file names
 * one company, so every request made with it is the same customer).
 */
const honest = (customerEmail: string) => screenshotBody({}, { customerEmail });

async function tokenFor(lifeline: TestService, name: string, role: 'engineer' | 'approver') {
  return (await createApiToken(lifeline.service.store.db, { name, role }, Date.now())).token;
}

function helpers(lifeline: () => TestService) {
  const submit = async (body: unknown, token?: string) => {
    const answer = await lifeline().api('/api/v1/requests', {
      body,
      ...(token !== undefined && { token }),
    });
    return answer;
  };
  const waitFor = (id: string, state: string, what = `request ${id} to be ${state}`) =>
    eventually(
      async () => {
        const { body } = await lifeline().api(`/api/v1/requests/${id}`);
        return body.state === state ? body : undefined;
      },
      15_000,
      what,
    );
  const delivered = (id: string, purpose: string) =>
    eventually(
      async () => {
        const { body } = await lifeline().api(`/api/v1/requests/${id}`);
        const notices = (
          body.deliveries as Array<{ medium: string; purpose: string; state: string }>
        )
          .filter((d) => d.purpose === purpose && (d.medium === 'notice' || d.medium === 'ticket'))
          .filter((d) => d.state === 'delivered');
        return notices.length === 2 ? body : undefined;
      },
      15_000,
      `the ${purpose} notice and note of ${id}`,
    );
  const audit = async (action: string, requestId: string) => {
    const { body } = await lifeline().api(`/api/v1/audit?action=${action}&request=${requestId}`, {
      token: lifeline().tokens.approver,
    });
    return body.items as Array<{ actor: string; role: string; details: Record<string, unknown> }>;
  };
  return { submit, waitFor, delivered, audit };
}

for (const database of testDatabases) {
  describe(`approval of what the guardrails hold (${database.name})`, { timeout: 120_000 }, () => {
    let lifeline: TestService;
    const clock = jumpingClock();
    let secondApprover = '';
    const { submit, waitFor, delivered, audit } = helpers(() => lifeline);

    before(async () => {
      lifeline = await startTestService(
        {
          LIFELINE_APPROVAL_SEAT_FACTOR: '1.5',
          LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '1000',
          LIFELINE_APPROVAL_DAILY_CAP_DESK: '1000',
          LIFELINE_APPROVAL_TYPED_EVIDENCE_MAX_USERS: '600',
          LIFELINE_APPROVAL_EXPIRY_HOURS: '72',
          LIFELINE_RESEND_LIMIT: '2',
          LIFELINE_RATE_LIMIT_PER_MINUTE: '100000',
        },
        { database, clock },
      );
      secondApprover = await tokenFor(lifeline, 'second-approver', 'approver');
    });
    after(() => lifeline.stop());

    it('lets the honest request straight through, with no approval', async () => {
      const created = await submit(honest('jane@honest.example'));
      assert.equal(created.status, 202);
      assert.equal(created.body.state, 'queued');
      assert.equal(created.body.decision.needsApproval, false);
      assert.deepEqual(created.body.decision.guardrails, []);
      const done = await waitFor(created.body.id, 'succeeded');
      assert.equal(done.approval, null);
      assert.ok(
        !done.timeline.some((e: { kind: string }) => e.kind === 'request.awaiting_approval'),
      );
    });

    it('holds seats far above the evidence, and issues them once another person approves', async () => {
      const created = await submit(
        eligibleBody({ customerEmail: 'ops@seats.example', userCount: 100_000 }),
      );
      assert.equal(created.status, 202, JSON.stringify(created.body));
      assert.equal(created.body.state, 'awaiting_approval');
      assert.equal(created.body.decision.needsApproval, true);
      assert.deepEqual(
        created.body.decision.guardrails.map((held: { code: string }) => held.code),
        ['USER_COUNT_ABOVE_EVIDENCE'],
      );
      assert.match(
        created.body.decision.summary,
        /^Needs approval by a second person: The user count 100,000 is more than 1\.5 times/,
      );
      const id = created.body.id;
      const waiting = await delivered(id, 'awaiting_approval');
      assert.equal(waiting.state, 'awaiting_approval');
      assert.equal(waiting.license, null);
      assert.equal(waiting.approval.whoMayApprove, 'an approver other than test-engineer');
      assert.equal(waiting.approval.verdict, null);
      assert.equal(
        waiting.approval.expiresAt,
        new Date(Date.parse(waiting.createdAt) + 72 * HOUR).toISOString(),
      );

      const byEngineer = await lifeline.api(`/api/v1/requests/${id}/approve`, {
        body: { reason: 'I checked' },
      });
      assert.equal(byEngineer.status, 403);
      assert.match(
        byEngineer.body.error.message,
        /may not approve a request a guardrail holds: this needs approver/,
      );
      const noReason = await lifeline.api(`/api/v1/requests/${id}/approve`, {
        token: lifeline.tokens.approver,
        body: {},
      });
      assert.equal(noReason.status, 400);
      assert.match(noReason.body.error.message, /reason is required/);
      const resend = await lifeline.api(`/api/v1/requests/${id}/resend`, { body: {} });
      assert.match(
        resend.body.error?.message ?? '',
        /waits for a second person’s approval: it has no license to resend until an approver approves it/,
        JSON.stringify(resend.body),
      );
      const shortReason = await lifeline.api(`/api/v1/requests/${id}/approve`, {
        token: lifeline.tokens.approver,
        body: { reason: 'ok' },
      });
      assert.equal(shortReason.status, 400);
      assert.match(shortReason.body.error.message, /reason is too short \(at least 3 characters\)/);

      const approved = await lifeline.api(`/api/v1/requests/${id}/approve`, {
        token: lifeline.tokens.approver,
        body: { reason: 'The customer grew after an acquisition; confirmed with the AM.' },
      });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.deepEqual(approved.body, { id, state: 'queued', verdict: 'approved' });
      const done = await waitFor(id, 'succeeded');
      assert.equal(done.license.userCount, 100_000);
      assert.equal(done.approval.verdict, 'approved');
      assert.equal(done.approval.decidedBy, 'test-approver');
      const entries = await audit('request.approved', id);
      assert.equal(entries.length, 1);
      assert.equal(entries[0]?.actor, 'test-approver');
      assert.equal(
        entries[0]?.details.reason,
        'The customer grew after an acquisition; confirmed with the AM.',
      );
      const again = await lifeline.api(`/api/v1/requests/${id}/decline`, {
        token: secondApprover,
        body: { reason: 'too late' },
      });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'NOT_AWAITING_APPROVAL');
      assert.match(again.body.error.message, /it was approved by test-approver/);
    });

    it('never lets the requester approve their own request', async () => {
      const created = await submit(
        screenshotBody(
          { licensedUsers: 500 },
          { customerEmail: 'ops@own.example', userCount: 601 },
        ),
        lifeline.tokens.approver,
      );
      assert.equal(created.body.state, 'awaiting_approval');
      const own = await lifeline.api(`/api/v1/requests/${created.body.id}/approve`, {
        token: lifeline.tokens.approver,
        body: { reason: 'looks fine to me' },
      });
      assert.equal(own.status, 403);
      assert.equal(own.body.error.code, 'FORBIDDEN');
      assert.equal(
        own.body.error.message,
        'You asked for this license, so you cannot approve it yourself: an approver other than test-approver must.',
      );
      const { body } = await lifeline.api(`/api/v1/requests/${created.body.id}`);
      assert.equal(body.state, 'awaiting_approval');
      const other = await lifeline.api(`/api/v1/requests/${created.body.id}/approve`, {
        token: secondApprover,
        body: { reason: 'second pair of eyes: fine' },
      });
      assert.equal(other.status, 200);
      await waitFor(created.body.id, 'succeeded');
    });

    it('holds typed evidence above the seat threshold, and a decline ends it rejected', async () => {
      const created = await submit(
        screenshotBody(
          { licensedUsers: 700, maximumUsers: 700 },
          { customerEmail: 'ops@typed.example', userCount: 700 },
        ),
      );
      assert.equal(created.status, 202);
      assert.deepEqual(
        created.body.decision.guardrails.map((held: { code: string }) => held.code),
        ['TYPED_EVIDENCE_ABOVE_SEATS'],
      );
      const id = created.body.id;
      const declined = await lifeline.api(`/api/v1/requests/${id}/decline`, {
        token: lifeline.tokens.approver,
        body: { reason: 'Ask the customer for the license file first.' },
      });
      assert.equal(declined.status, 200);
      assert.deepEqual(declined.body, { id, state: 'rejected', verdict: 'declined' });
      const done = await delivered(id, 'declined');
      assert.equal(done.state, 'rejected');
      assert.equal(done.approval.verdict, 'declined');
      assert.equal(done.approval.reason, 'Ask the customer for the license file first.');
      assert.equal((await lifeline.api(`/api/v1/requests/${id}/license`)).status, 404);
      const entries = await audit('request.declined', id);
      assert.equal(entries.length, 1);
      assert.equal(entries[0]?.details.reason, 'Ask the customer for the license file first.');
    });

    it('holds a refused prospect arriving with typed values', async () => {
      const refused = await submit(
        eligibleBody({
          customerEmail: 'it@prospect.example',
          evidence: { licenseFile: expiredTrialLicense },
          userCount: 100,
        }),
      );
      assert.equal(refused.status, 422);
      const typed = await submit(
        screenshotBody(
          { licensedUsers: 100, maximumUsers: 100 },
          { customerEmail: 'admin@prospect.example', userCount: 100 },
        ),
      );
      assert.equal(typed.status, 202, JSON.stringify(typed.body));
      assert.equal(typed.body.state, 'awaiting_approval');
      const held = typed.body.decision.guardrails;
      assert.deepEqual(
        held.map((g: { code: string }) => g.code),
        ['REFUSED_PROSPECT_TYPED_VALUES'],
      );
      assert.equal(held[0].relatedRequestId, refused.body.id);
      const declined = await lifeline.api(`/api/v1/requests/${typed.body.id}/decline`, {
        token: lifeline.tokens.approver,
        body: { reason: 'Prospect: route to sales.' },
      });
      assert.equal(declined.status, 200);
    });

    it('holds a repeat inside the period; an approver may grant a second license', async () => {
      const first = await submit(honest('a@repeat.example'));
      await waitFor(first.body.id, 'succeeded');
      const second = await submit(honest('b@repeat.example'));
      assert.equal(second.status, 202);
      assert.equal(second.body.state, 'awaiting_approval');
      const held = second.body.decision.guardrails;
      assert.equal(held[0].code, 'REPEAT_NEEDS_APPROVAL');
      assert.equal(held[0].relatedRequestId, first.body.id);
      const approved = await lifeline.api(`/api/v1/requests/${second.body.id}/approve`, {
        token: secondApprover,
        body: { reason: 'The first license went to a mailbox that no longer exists.' },
      });
      assert.equal(approved.status, 200);
      const done = await waitFor(second.body.id, 'succeeded');
      assert.notEqual(
        done.license.fingerprint,
        (await waitFor(first.body.id, 'succeeded')).license.fingerprint,
      );
    });

    it('resends only to the request’s address or domain, and only so often, unless an approver asks', async () => {
      const created = await submit(honest('jane@resend.example'));
      await waitFor(created.body.id, 'succeeded');
      const path = `/api/v1/requests/${created.body.id}/resend`;
      const colleague = await lifeline.api(path, { body: { email: 'ops@resend.example' } });
      assert.equal(colleague.status, 202, JSON.stringify(colleague.body));
      const outside = await lifeline.api(path, { body: { email: 'jane@elsewhere.example' } });
      assert.equal(outside.status, 403);
      assert.equal(
        outside.body.error.message,
        'Your role (engineer) may not resend a license to another address than the request’s own address or domain: this needs approver.',
      );
      assert.equal((await lifeline.api(path, { body: {} })).status, 202);
      const third = await lifeline.api(path, { body: {} });
      assert.equal(third.status, 403);
      assert.match(
        third.body.error.message,
        /may not resend a license more often than the resend limit \(LIFELINE_RESEND_LIMIT\): this needs approver\.$/,
      );
      const byApprover = await lifeline.api(path, {
        token: lifeline.tokens.approver,
        body: { email: 'jane@elsewhere.example' },
      });
      assert.equal(byApprover.status, 202);
      const entries = await audit('request.resent', created.body.id);
      assert.deepEqual(entries.map((e) => [e.actor, e.details.to]).reverse(), [
        ['test-engineer', 'ops@resend.example'],
        ['test-engineer', 'jane@resend.example'],
        ['test-approver', 'jane@elsewhere.example'],
      ]);
    });

    it('never counts a public mail provider as the request’s domain', async () => {
      const created = await submit(honest('bob@gmail.com'));
      await waitFor(created.body.id, 'succeeded');
      const answer = await lifeline.api(`/api/v1/requests/${created.body.id}/resend`, {
        body: { email: 'mallory@gmail.com' },
      });
      assert.equal(answer.status, 403);
    });
  });

  describe(
    `the rolling caps and the expiry of a wait (${database.name})`,
    { timeout: 120_000 },
    () => {
      let lifeline: TestService;
      const clock = jumpingClock();
      let capEngineer = '';
      const { submit, waitFor, delivered, audit } = helpers(() => lifeline);

      before(async () => {
        lifeline = await startTestService(
          {
            LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '2',
            LIFELINE_APPROVAL_DAILY_CAP_DESK: '3',
            LIFELINE_APPROVAL_EXPIRY_HOURS: '72',
          },
          { database, clock },
        );
        capEngineer = await tokenFor(lifeline, 'cap-engineer', 'engineer');
      });
      after(() => lifeline.stop());

      it('caps an engineer’s licenses in a rolling 24 hours, judged on the service clock', async () => {
        for (const n of [1, 2]) {
          const ok = await submit(honest(`c${n}@cap${n}.example`), capEngineer);
          assert.equal(ok.body.state, 'queued', `request ${n} of 2`);
        }
        const third = await submit(honest('c3@cap3.example'), capEngineer);
        assert.equal(third.body.state, 'awaiting_approval');
        assert.deepEqual(
          third.body.decision.guardrails.map((g: { code: string }) => g.code),
          ['ENGINEER_DAILY_CAP'],
        );
        assert.match(
          third.body.decision.guardrails[0].message,
          /^cap-engineer has already been issued 2 emergency licenses in the last 24 hours \(the cap is 2 per engineer\)/,
        );
        // Another engineer is not held by cap-engineer's count (the desk is now at 3).
        const other = await submit(honest('c4@cap4.example'), lifeline.tokens.approver);
        assert.equal(other.body.state, 'queued');
        clock.jump(23 * HOUR);
        const stillHeld = await submit(honest('c5@cap5.example'), capEngineer);
        assert.deepEqual(
          stillHeld.body.decision.guardrails.map((g: { code: string }) => g.code),
          ['ENGINEER_DAILY_CAP', 'DESK_DAILY_CAP'],
          'inside the 24 hours',
        );
        clock.jump(1 * HOUR + 60_000);
        const free = await submit(honest('c6@cap6.example'), capEngineer);
        assert.equal(free.body.state, 'queued', 'the first ones left the window');
      });

      it('holds the desk’s third license of the day, and expires it once after 72 hours', async () => {
        const a = await submit(honest('a@desk-a.example'));
        // Inside the window now: the last request of the test above, and these two.
        const b = await submit(honest('b@desk-b.example'), lifeline.tokens.approver);
        assert.deepEqual([a.body.state, b.body.state], ['queued', 'queued']);
        const held = await submit(honest('c@desk-c.example'));
        assert.equal(held.body.state, 'awaiting_approval');
        assert.deepEqual(
          held.body.decision.guardrails.map((g: { code: string }) => g.code),
          ['DESK_DAILY_CAP'],
        );
        const id = held.body.id;
        await delivered(id, 'awaiting_approval');

        clock.jump(71 * HOUR);
        await new Promise((resolve) => setTimeout(resolve, 300)); // a few polls of the worker
        assert.equal(
          (await lifeline.api(`/api/v1/requests/${id}`)).body.state,
          'awaiting_approval',
        );

        clock.jump(1 * HOUR + 1_000);
        const expired = await delivered(id, 'expired');
        assert.equal(expired.state, 'rejected');
        assert.equal(expired.approval.verdict, 'expired');
        assert.equal(expired.license, null);
        assert.equal(
          expired.timeline.filter((e: { kind: string }) => e.kind === 'request.expired').length,
          1,
        );
        const entries = await audit('request.expired', id);
        assert.equal(entries.length, 1);
        assert.equal(entries[0]?.actor, 'Lifeline worker');
        const late = await lifeline.api(`/api/v1/requests/${id}/approve`, {
          body: { reason: 'sorry, was away' },
          token: lifeline.tokens.approver,
        });
        assert.equal(late.status, 409);
        assert.match(late.body.error.message, /it was expired\./);
        await waitFor(a.body.id, 'succeeded');
      });
    },
  );

  describe(`the person an integration names (${database.name})`, { timeout: 60_000 }, () => {
    let lifeline: TestService;
    const { submit } = helpers(() => lifeline);
    before(async () => {
      lifeline = await startTestService(
        { LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '2' },
        { database, clock: jumpingClock() },
      );
    });
    after(() => lifeline.stop());
    const forPerson = (requestedBy: string, n: number) =>
      submit({ ...honest(`p${n}@person-${n}.example`), requestedBy }, lifeline.tokens.service);

    it('counts one person’s cap across spellings of their name', async () => {
      assert.equal((await forPerson('dave', 1)).body.state, 'queued');
      assert.equal((await forPerson('Dave', 2)).body.state, 'queued');
      for (const [n, name] of [' DAVE ', 'ｄａｖｅ', 'Dave'].entries()) {
        const held = await forPerson(name, 3 + n);
        assert.equal(held.body.state, 'awaiting_approval', `${JSON.stringify(name)} is dave`);
        assert.deepEqual(
          held.body.decision.guardrails.map((g: { code: string }) => g.code),
          ['ENGINEER_DAILY_CAP'],
        );
      }
      assert.equal((await forPerson('erin', 9)).body.state, 'queued', 'another person is not');
    });

    it('refuses a name with invisible characters or a " via " of its own', async () => {
      for (const name of [
        'alice\u200b',
        'ali\u00adce',
        'alice\nbob',
        'alice via bob',
        'alice via',
        'alice\u2009via',
        'alice\u034f',
        'alice\ufe0f',
        'alice\u3164',
        'alice\u2800',
        '\u0430lice',
      ]) {
        const refused = await forPerson(name, 20);
        assert.equal(
          refused.status,
          400,
          `${JSON.stringify(name)}: ${JSON.stringify(refused.body)}`,
        );
        assert.equal(refused.body.error.details[0].field, 'body.requestedBy');
      }
    });
  });
}
