/** The step registry: each step's contract, and the jobs it asks for keep the keys stored ones have. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultStepConcurrency, stepKinds, stepRemote } from '../../src/jobs/step-limits.js';
import { pipeline, stepLabel } from '../../src/requests/pipeline.js';
import { runSchedule } from '../../src/schedule/run-schedule-step.js';
import { noteTicket, postNotice } from '../../src/requests/steps/announce-steps.js';
import { commentTrackerIssue } from '../../src/requests/steps/comment-tracker-issue.js';
import { coverReminder } from '../../src/requests/steps/cover-reminder.js';
import { expireApproval } from '../../src/requests/steps/expire-approval.js';
import { generateLicense } from '../../src/requests/steps/generate-license.js';
import { sendEmail } from '../../src/requests/steps/send-email.js';
import { syncTrackerIssue } from '../../src/requests/steps/sync-tracker-issue.js';

describe('the step registry', () => {
  it('declares every step once, with words, attempts and slots', () => {
    assert.equal(new Set(pipeline.map((step) => step.kind)).size, pipeline.length);
    for (const step of pipeline) {
      assert.match(step.label, /^[a-z]/, `${step.kind}'s label reads after "could not"`);
      assert.ok(step.maxAttempts >= 1 && step.concurrency >= 1, step.kind);
    }
  });

  it('derives the worker order, slots, remotes and labels from the list', () => {
    assert.deepEqual(
      stepKinds,
      pipeline.map((step) => step.kind),
    );
    assert.equal(stepKinds[0], 'generate_license');
    assert.equal(defaultStepConcurrency.send_email, 3);
    assert.equal(stepRemote.send_email, 'mail');
    assert.equal(stepRemote.generate_license, undefined);
    assert.equal(stepLabel('send_email'), 'email the license to the customer');
    assert.equal(stepLabel('no_such_step'), undefined);
  });

  it('asks for jobs with the keys and attempts of the jobs already stored', () => {
    const r = 'r1';
    assert.deepEqual(generateLicense.job({ requestId: r }), {
      kind: 'generate_license',
      requestId: r,
      maxAttempts: 5,
      uniqueKey: 'generate_license:r1:0',
    });
    assert.deepEqual(sendEmail.job({ requestId: r, deliveryId: 'd', round: 7 }), {
      kind: 'send_email',
      requestId: r,
      deliveryId: 'd',
      maxAttempts: 12,
      uniqueKey: 'send_email:d:7',
    });
    assert.deepEqual(syncTrackerIssue.job({ requestId: r, revision: 3 }), {
      kind: 'sync_tracker_issue',
      requestId: r,
      deliveryId: 'r1:tracker',
      maxAttempts: 20,
      uniqueKey: 'sync_tracker_issue:r1:3',
    });
    assert.equal(postNotice.job({ requestId: r, deliveryId: 'n' }).uniqueKey, 'post_notice:n:0');
    assert.equal(noteTicket.job({ requestId: r, deliveryId: 't' }).uniqueKey, 'note_ticket:t:0');
    assert.deepEqual(coverReminder.job({ requestId: r, eventKey: 'lapsed-L0', runAt: 9 }), {
      kind: 'cover_reminder',
      requestId: r,
      deliveryId: 'lapsed-L0',
      runAt: 9,
      maxAttempts: 20,
      uniqueKey: 'cover_reminder:r1:lapsed-L0',
    });
    assert.equal(
      commentTrackerIssue.job({ requestId: r, deliveryId: 'c' }).uniqueKey,
      'comment_tracker_issue:c:0',
    );
    assert.deepEqual(expireApproval.job({ requestId: r, runAt: 5 }), {
      kind: 'expire_approval',
      requestId: r,
      runAt: 5,
      maxAttempts: 20,
      uniqueKey: 'expire_approval:r1',
    });
    const occurrence = runSchedule.job({ name: 'handoff', at: 0, runAt: 1 });
    assert.equal(occurrence.kind, 'run_schedule');
    assert.equal(occurrence.maxAttempts, 8);
    assert.equal(occurrence.runAt, 1);
    assert.equal(occurrence.requestId, undefined);
  });
});
