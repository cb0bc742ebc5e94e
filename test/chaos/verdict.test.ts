/**
 * The chaos run's judgement (bench/chaos/verdict.ts): a clean run is judged clean, and each
 * kind of harm is counted where it belongs, so a chaos run that reports zeros means something.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge, noteOutcome, noticeOutcome, type Observed } from '../../bench/chaos/verdict.js';
import { renderSlackNotice } from '../../src/adapters/notice/slack-message.js';
import { renderZendeskNote } from '../../src/adapters/ticket/zendesk-note.js';
import type { RequestOutcome } from '../../src/ports/outcome.js';
import { htmlToText } from '../fakes/zendesk-server.js';

const marker = (id: string) => `Issued.\n\n<!-- lifeline-request-id: ${id} -->\n`;

/** Two requests that ended as they should: one license, one email, one closed issue each. */
function cleanRun(): Observed {
  return {
    submissions: [{ id: 'r1' }, { id: 'r2' }],
    requests: ['r1', 'r2'].map((id, i) => ({
      id,
      state: 'succeeded',
      customerEmail: `admin@${id}.example`,
      trackerIssueNumber: i + 1,
      trackerIssueState: 'closed',
    })),
    licenses: ['r1', 'r2'].map((id) => ({
      requestId: id,
      fingerprint: `f-${id}`,
      text: `L-${id}`,
    })),
    jobs: ['r1', 'r2'].map((id) => ({ requestId: id, kind: 'send_email', state: 'succeeded' })),
    emails: ['r1', 'r2'].map((id, i) => ({
      requestId: id,
      to: `admin@${id}.example`,
      messageId: `<lifeline.${id}.d@vendor.example>`,
      attachment: `L-${id}`,
      receivedAt: 1_000 + i * 1_000,
    })),
    issues: ['r1', 'r2'].map((id, i) => ({ iid: i + 1, description: marker(id), state: 'closed' })),
    notices: ['r1', 'r2'].map((id, i) => ({
      requestId: id,
      outcome: 'issued',
      receivedAt: 1_100 + i * 1_000,
    })),
    notes: ['r1', 'r2'].map((id, i) => ({
      requestId: id,
      outcome: 'issued',
      receivedAt: 1_200 + i * 1_000,
    })),
    kills: [],
  };
}

const zeros = {
  requests: 2,
  lost: 0,
  duplicateLicenses: 0,
  duplicateEmails: 0,
  emailsAfterCrash: 0,
  emailsAfterLostAnswer: 0,
  duplicateNotices: 0,
  noticesAfterCrash: 0,
  duplicateNotes: 0,
  notesAfterCrash: 0,
  unfinished: 0,
};

describe('the chaos run’s verdict', () => {
  it('finds nothing wrong with a clean run', () => {
    const { figures, problems } = judge(cleanRun());
    assert.deepEqual(figures, zeros);
    assert.deepEqual(problems, []);
  });

  it('counts a second copy after a worker was killed apart from a duplicate', () => {
    const run = cleanRun();
    const first = run.emails[0]!;
    run.emails.push({ ...first, receivedAt: 5_000 });
    run.kills.push(3_000);
    assert.deepEqual(judge(run).figures, { ...zeros, emailsAfterCrash: 1 });

    // A worker killed just before its message was read by the fake still sent it.
    run.kills.splice(0, 1, first.receivedAt - 1_500);
    assert.deepEqual(judge(run).figures, { ...zeros, emailsAfterCrash: 1 });
    run.kills.splice(0, 1, first.receivedAt - 3_000);
    assert.deepEqual(judge(run).figures, { ...zeros, duplicateEmails: 1 });

    // The same copy with no kill in between is a duplicate, and so is one under another Message-ID.
    run.kills.splice(0);
    assert.deepEqual(judge(run).figures, { ...zeros, duplicateEmails: 1 });
    run.kills.push(3_000);
    run.emails[2] = { ...first, receivedAt: 5_000, messageId: '<other@vendor.example>' };
    assert.deepEqual(judge(run).figures, { ...zeros, duplicateEmails: 1 });
  });

  it('counts a second copy after the mail server’s answer was lost in a hang apart from a duplicate', () => {
    const run = cleanRun();
    const first = run.emails[0]!;
    run.emails.push({ ...first, receivedAt: first.receivedAt + 2_300 });
    // The hang began a moment before the run's poll saw the first copy: the server had it.
    run.mailFaults = [first.receivedAt - 60];
    assert.deepEqual(judge(run).figures, { ...zeros, emailsAfterLostAnswer: 1 });
    // A fault long before the first copy, or after the second, explains nothing.
    run.mailFaults = [first.receivedAt - 3_000];
    assert.deepEqual(judge(run).figures, { ...zeros, duplicateEmails: 1 });
    run.mailFaults = [first.receivedAt + 2_400];
    assert.deepEqual(judge(run).figures, { ...zeros, duplicateEmails: 1 });
    // Nor one for a copy under another Message-ID.
    run.mailFaults = [first.receivedAt - 60];
    run.emails[2] = { ...first, receivedAt: 5_000, messageId: '<other@vendor.example>' };
    assert.deepEqual(judge(run).figures, { ...zeros, duplicateEmails: 1 });
  });

  it('counts a customer who received two different licenses', () => {
    const run = cleanRun();
    run.emails.push({ ...run.emails[0]!, attachment: 'L-other', receivedAt: 5_000 });
    run.kills.push(3_000);
    const { figures } = judge(run);
    // The file the database does not hold, and the customer holding two different ones.
    assert.equal(figures.duplicateLicenses, 2);
  });

  it('counts a request without its license, its email or its one tracker issue as lost', () => {
    const noLicense = cleanRun();
    noLicense.licenses.shift();
    assert.equal(judge(noLicense).figures.lost, 1);

    const noEmail = cleanRun();
    noEmail.emails.shift();
    assert.equal(judge(noEmail).figures.lost, 1);

    const twoIssues = cleanRun();
    twoIssues.issues.push({ iid: 3, description: marker('r2'), state: 'opened' });
    assert.equal(judge(twoIssues).figures.lost, 1);

    const neverAccepted = cleanRun();
    neverAccepted.submissions.push({ refusal: '500 INTERNAL' });
    assert.deepEqual(judge(neverAccepted).figures, { ...zeros, requests: 3, lost: 1 });
  });

  it('counts a request still on its way as unfinished', () => {
    const run = cleanRun();
    run.jobs.push({ requestId: 'r1', kind: 'post_notice', state: 'pending' });
    run.requests[1]!.state = 'issuing';
    assert.equal(judge(run).figures.unfinished, 2);
  });

  it('leaves out steps scheduled for days later and cancelled steps, not a retry soon due', () => {
    const now = 1_000_000;
    const run = { ...cleanRun(), observedAt: now };
    const day = 24 * 60 * 60 * 1000;
    run.jobs.push({ requestId: 'r1', kind: 'cover_reminder', state: 'pending', runAt: now + day });
    run.jobs.push({ requestId: 'r1', kind: 'expire_approval', state: 'cancelled' });
    assert.equal(judge(run).figures.unfinished, 0);
    run.jobs.push({ requestId: 'r2', kind: 'post_notice', state: 'pending', runAt: now + 3_000 });
    assert.equal(judge(run).figures.unfinished, 1);
  });

  it('counts a second notice or note for one outcome, apart when a crash explains it', () => {
    const run = cleanRun();
    const notice = run.notices[0]!;
    const note = run.notes[0]!;
    run.notices.push({ ...notice, receivedAt: 4_000 });
    run.notes.push({ ...note, receivedAt: 4_000 });
    assert.deepEqual(judge(run).figures, { ...zeros, duplicateNotices: 1, duplicateNotes: 1 });
    assert.ok(
      judge(run).problems.some((problem) =>
        /duplicate notice: request r1 \(issued\)/.test(problem),
      ),
    );

    run.kills.push(3_000);
    assert.deepEqual(judge(run).figures, { ...zeros, noticesAfterCrash: 1, notesAfterCrash: 1 });
  });

  it('takes a later outcome of the same request for news, not a copy', () => {
    const run = cleanRun();
    run.notices.unshift({ requestId: 'r1', outcome: 'awaiting_approval', receivedAt: 500 });
    run.notes.unshift({ requestId: 'r1', outcome: 'failed at send the email', receivedAt: 500 });
    assert.deepEqual(judge(run).figures, zeros);
  });

  it('reads the request and the outcome from the notice and the note Lifeline renders', () => {
    const outcome: RequestOutcome = {
      requestId: '6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10',
      outcome: 'failed',
      ticket: { id: '4711', url: 'https://support.example.com/agent/tickets/4711' },
      customerEmail: 'admin@customer.example',
      userCount: 250,
      requestedBy: 'oncall-engineer',
      failure: { step: 'send the license email', message: 'SMTP down', nextAction: 'Retry.' },
    };
    const failed = { requestId: outcome.requestId };
    assert.deepEqual(noticeOutcome(renderSlackNotice(outcome).blocks), {
      ...failed,
      outcome: 'Emergency license FAILED at send the license email',
    });
    assert.deepEqual(noteOutcome(htmlToText(renderZendeskNote(outcome).html)), {
      ...failed,
      outcome: 'failed at send the license email',
    });
    const { failure: _failure, ...rest } = outcome;
    const issued: RequestOutcome = { ...rest, outcome: 'issued' };
    assert.deepEqual(noticeOutcome(renderSlackNotice(issued).blocks), {
      ...failed,
      outcome: 'Emergency license issued',
    });
    assert.deepEqual(noteOutcome(htmlToText(renderZendeskNote(issued).html)), {
      ...failed,
      outcome: 'issued',
    });
    // A customer's own comment, or any other message, names no outcome.
    assert.equal(noteOutcome('Here are the screenshots and the license file.'), undefined);
    assert.equal(
      noticeOutcome([{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }]),
      undefined,
    );
  });
});
