import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ZendeskSettings } from '../../../src/adapters/ticket/zendesk-settings.js';
import {
  createZendeskTicketDesk,
  ZendeskTicketDesk,
} from '../../../src/adapters/ticket/zendesk-ticket-desk.js';
import { startZendeskServer, type FakeZendesk } from '../../fakes/zendesk-server.js';
import { awaitingOutcome, failedOutcome, issuedOutcome } from '../notice/sample-outcomes.js';
import { rejection } from '../../support/rejection.js';

describe('ZendeskTicketDesk against the fake Zendesk', () => {
  let zendesk: FakeZendesk;
  let settings: ZendeskSettings;
  let desk: ZendeskTicketDesk;

  before(async () => {
    zendesk = await startZendeskServer();
  });
  after(() => zendesk.stop());
  beforeEach(() => {
    zendesk.addTicket(4711);
    zendesk.addTicket(4712);
    zendesk.requests.length = 0;
    settings = { url: zendesk.url, email: zendesk.email, apiToken: zendesk.apiToken };
    desk = new ZendeskTicketDesk(settings);
  });

  it('adds a private note with the outcome and adds the tag without replacing others', async () => {
    const result = await desk.addInternalNote(issuedOutcome);

    const ticket = zendesk.tickets.get(4711)!;
    assert.equal(ticket.comments.length, 1);
    const note = ticket.comments[0]!;
    assert.equal(note.public, false);
    assert.deepEqual(result, { ref: String(note.id), destination: 'Zendesk ticket #4711' });
    assert.match(note.body, /Emergency license issued/);
    assert.match(note.body, /Customer email: jane@example\.com/);
    assert.match(note.body, /Seats: 250/);
    assert.match(
      note.body,
      /Works through: 2026-03-16 \(expires at 00:00 on 2026-03-17, server time\)/,
    );
    assert.match(note.body, /Requested by: sam\.support/);
    assert.ok(
      note.html_body.includes(
        'href="https://gitlab.example.com/support/emergency-licenses/-/issues/12"',
      ),
    );
    assert.ok(note.html_body.includes(issuedOutcome.requestUrl!));
    assert.deepEqual(ticket.tags, ['weekend_emergency', 'license', 'emergency_license_issued']);

    // What went over the wire: `public: false` explicit, tags through the adding endpoint.
    const update = zendesk.requests.find(
      (request) => request.method === 'PUT' && request.path === '/api/v2/tickets/4711.json',
    );
    const sent = update?.body as { ticket: { comment: { public?: boolean }; tags?: unknown } };
    assert.equal(sent.ticket.comment.public, false);
    assert.equal(sent.ticket.tags, undefined);
    const tagging = zendesk.requests.find(
      (request) => request.path === '/api/v2/tickets/4711/tags.json',
    );
    assert.equal(tagging?.method, 'PUT');
    assert.deepEqual(tagging?.body, { tags: ['emergency_license_issued'] });
    const expected = `Basic ${Buffer.from(`${zendesk.email}/token:${zendesk.apiToken}`).toString('base64')}`;
    assert.equal(update?.headers.authorization, expected);
  });

  it('adds the failure note: step, error and next action, escaped', async () => {
    await desk.addInternalNote(failedOutcome);
    const ticket = zendesk.tickets.get(4712)!;
    const note = ticket.comments[0]!;
    assert.equal(note.public, false);
    assert.match(note.body, /Emergency license FAILED/);
    assert.match(note.body, /Failed step: email/);
    assert.match(note.body, /550 5\.1\.1 <ops@acme\.test> unknown/);
    assert.match(note.body, /Next: Check the customer email/);
    assert.ok(note.html_body.includes('&lt;ops@acme.test&gt;'));
    assert.ok(!note.html_body.includes('<on-call>'));
    assert.ok(ticket.tags.includes('emergency_license_failed'));
  });

  it('adds the waiting note: the guardrail, who may approve and the deadline', async () => {
    await desk.addInternalNote(awaitingOutcome);
    const ticket = zendesk.tickets.get(4711)!;
    const note = ticket.comments.find((comment) => comment.body.includes('AWAITING APPROVAL'));
    assert.ok(note, 'the note was added');
    assert.equal(note.public, false);
    assert.match(
      note.body,
      /Needs approval because: The user count 100,000 is more than 1\.5 times/,
    );
    assert.match(note.body, /Who may approve: an approver other than sam\.support/);
    assert.match(
      note.body,
      /Lifeline request 5a1f0c2e-2222-4d3b-9e11-0b1c2d3e4f50 \(awaiting_approval\)/,
    );
    assert.ok(ticket.tags.includes('emergency_license_awaiting_approval'));
  });

  it('makes a first attempt in two calls at once, with no look for an earlier note', async () => {
    zendesk.slowDown(1_000);
    try {
      const started = Date.now();
      const call = desk.addInternalNote(issuedOutcome);
      while (zendesk.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      // The second call left before the first one's answer (a second late) came back.
      const bothSentAfter = Date.now() - started;
      await call;
      assert.ok(bothSentAfter < 1_000, `the second call left after ${bothSentAfter} ms`);
    } finally {
      zendesk.slowDown(0);
    }
    assert.deepEqual(
      zendesk.requests.map((request) => `${request.method} ${request.path}`).sort(),
      ['PUT /api/v2/tickets/4711.json', 'PUT /api/v2/tickets/4711/tags.json'],
    );
  });

  it('does not add the same note twice when retried after a lost reply', async () => {
    await desk.addInternalNote(issuedOutcome);
    zendesk.requests.length = 0;
    const second = await desk.addInternalNote(issuedOutcome, { since: 0 });
    const ticket = zendesk.tickets.get(4711)!;
    assert.equal(ticket.comments.length, 1);
    assert.equal(second.ref, String(ticket.comments[0]!.id));
    assert.equal(ticket.tags.filter((tag) => tag === 'emergency_license_issued').length, 1);
    // The retry read the comments first and only tagged again.
    assert.deepEqual(
      zendesk.requests.map((request) => `${request.method} ${request.path}`),
      ['GET /api/v2/tickets/4711/comments.json', 'PUT /api/v2/tickets/4711/tags.json'],
    );
  });

  it('adds the note on a retry that finds none (the first attempt never reached Zendesk)', async () => {
    const result = await desk.addInternalNote(issuedOutcome, { since: 0 });
    const ticket = zendesk.tickets.get(4711)!;
    assert.equal(ticket.comments.length, 1);
    assert.equal(result.ref, String(ticket.comments[0]!.id));
    assert.ok(ticket.tags.includes('emergency_license_issued'));
  });

  it('adds a new note when the outcome changed (failed, then issued on retry)', async () => {
    await desk.addInternalNote({
      ...failedOutcome,
      ticket: issuedOutcome.ticket,
      requestId: issuedOutcome.requestId,
    });
    await desk.addInternalNote(issuedOutcome);
    const ticket = zendesk.tickets.get(4711)!;
    assert.equal(ticket.comments.length, 2);
    assert.ok(ticket.tags.includes('emergency_license_failed'));
    assert.ok(ticket.tags.includes('emergency_license_issued'));
  });

  it("turns a 429 into a transient error with Zendesk's Retry-After", async () => {
    zendesk.failNext(429, { retryAfter: 93, path: '/tickets/4711.json' });
    const error = await rejection(desk.addInternalNote(issuedOutcome));
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, 'ZENDESK_RATE_LIMITED');
    assert.equal(error.retryAfterMs, 93_000);
    assert.equal(zendesk.tickets.get(4711)!.comments.length, 0);
  });

  it('turns a 500 into a transient error', async () => {
    zendesk.failNext(500, { path: '/tickets/4711.json' });
    const error = await rejection(desk.addInternalNote(issuedOutcome));
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, 'ZENDESK_UNAVAILABLE');
  });

  it('turns refused credentials into a configuration error naming the settings, never quoting the token', async () => {
    const secret = 'zd-wrong-secret-token-777';
    const error = await rejection(
      new ZendeskTicketDesk({ ...settings, apiToken: secret }).addInternalNote(issuedOutcome),
    );
    assert.equal(error.kind, 'configuration');
    assert.equal(error.code, 'ZENDESK_UNAUTHORIZED');
    assert.match(error.message, /Zendesk refused ZENDESK_EMAIL \/ ZENDESK_API_TOKEN \(401\)/);
    const basic = Buffer.from(`${settings.email}/token:${secret}`).toString('base64');
    const everything = JSON.stringify([error.message, error.remoteReply, error.stack]);
    assert.ok(!everything.includes(secret));
    assert.ok(!everything.includes(basic));
  });

  it('a ticket that does not exist is a permanent "ticket N not found"', async () => {
    const error = await rejection(
      desk.addInternalNote({ ...issuedOutcome, ticket: { id: '999999', url: 'https://x/999999' } }),
    );
    assert.equal(error.kind, 'permanent');
    assert.equal(error.code, 'ZENDESK_TICKET_NOT_FOUND');
    assert.match(error.message, /ticket 999999 not found/);
  });

  it("a closed ticket is a permanent failure with Zendesk's reason", async () => {
    zendesk.addTicket(4711, { status: 'closed' });
    const error = await rejection(desk.addInternalNote(issuedOutcome));
    assert.equal(error.kind, 'permanent');
    assert.match(error.message, /closed prevents ticket update/);
  });

  it('a ticket id that is not a number is refused before any call', async () => {
    const error = await rejection(
      desk.addInternalNote({ ...issuedOutcome, ticket: { id: 'ABC-1', url: 'https://x' } }),
    );
    assert.equal(error.kind, 'permanent');
    assert.equal(error.code, 'ZENDESK_BAD_TICKET_ID');
    assert.equal(zendesk.requests.length, 0);
  });

  it('check() accepts an agent and names the settings when refused', async () => {
    const rows = await createZendeskTicketDesk(settings).check();
    assert.equal(rows[0]?.ok, true);
    assert.match(rows[0]?.detail ?? '', /Lifeline Agent \(agent\)/);

    const refused = await new ZendeskTicketDesk({ ...settings, apiToken: 'zd-nope-nope' }).check();
    assert.equal(refused[0]?.ok, false);
    assert.match(refused[0]?.fix ?? '', /ZENDESK_API_TOKEN/);
    assert.ok(!JSON.stringify(refused).includes('zd-nope-nope'));
  });
});

describe('ZendeskTicketDesk with an end user', () => {
  it('check() refuses a user who cannot write internal notes', async () => {
    const zendesk = await startZendeskServer({ role: 'end-user' });
    try {
      const rows = await new ZendeskTicketDesk({
        url: zendesk.url,
        email: zendesk.email,
        apiToken: zendesk.apiToken,
      }).check();
      assert.equal(rows[0]?.ok, false);
      assert.match(rows[0]?.detail ?? '', /end-user role/);
    } finally {
      await zendesk.stop();
    }
  });
});
