/** The circuit of a remote, on a clock that jumps: opens, lets one through, closes or reopens. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Circuits } from '../../src/jobs/circuit.js';
import { parseStepConcurrency } from '../../src/jobs/step-limits.js';

const timeout = { message: 'no answer', permanent: false, code: 'SMTP_TIMEOUT' };
const refused = { message: '550 no such user', permanent: true, code: 'SMTP_RECIPIENT_REFUSED' };

describe('circuits', () => {
  it('opens after five unanswered attempts in a row, not after answers that say no', () => {
    let now = 1_000_000;
    const circuits = new Circuits(() => now);
    for (let i = 0; i < 4; i++) assert.equal(circuits.record('mail', timeout), undefined);
    assert.equal(circuits.record('mail', refused), undefined, 'an answer resets the count');
    for (let i = 0; i < 4; i++) circuits.record('mail', timeout);
    assert.ok(circuits.allows('mail'));
    const opened = circuits.record('mail', timeout);
    assert.equal(opened?.state, 'open');
    assert.equal(opened?.retryAt, now + 30_000);
    assert.equal(circuits.allows('mail'), false);
    assert.ok(circuits.allows('tracker'), 'other remotes are not affected');
    assert.equal(circuits.record('mail', timeout), undefined, 'late failures change nothing');

    now += 30_000;
    assert.equal(circuits.state('mail').state, 'half-open');
    assert.ok(circuits.allows('mail'));
    const reopened = circuits.record('mail', timeout);
    assert.equal(reopened?.retryAt, now + 60_000, 'the cooldown doubles');

    now += 60_000;
    assert.equal(circuits.record('mail', 'success')?.state, 'closed');
    assert.ok(circuits.allows('mail'));
    assert.deepEqual(
      circuits.states().map((c) => c.state),
      ['closed'],
    );
  });

  it('reads step limits over the defaults and names a wrong one', () => {
    assert.equal(parseStepConcurrency('send_email=1').send_email, 1);
    assert.equal(parseStepConcurrency(undefined).generate_license, 4);
    assert.throws(() => parseStepConcurrency('send_mail=2'), /KIND=N with KIND one of/);
    assert.throws(() => parseStepConcurrency('send_email=0'), /N from 1 to 256/);
  });
});
