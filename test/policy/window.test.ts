import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPolicySettings, graceEndsOn } from '../../src/policy/index.js';
import { checkWindow } from '../../src/policy/rules/window.js';
import { day, premiumFacts } from './fixtures.js';

const settings = defaultPolicySettings;

describe('rule: window, counted from the end of the grace period', () => {
  // expired-premium-480: expires 2026-11-12, block_changes_at 2026-11-26.
  it('is in the window on 2026-11-28, two days after the instance turned read-only', () => {
    const outcome = checkWindow(premiumFacts(), day('2026-11-28'), settings);
    assert.deepEqual(outcome, {
      rule: 'window',
      passed: true,
      code: 'IN_WINDOW',
      message:
        'The grace period ended 2 days ago (read-only since 2026-11-26): within the 3-day emergency window.',
    });
  });

  it('is in the window from the read-only day to the window’s last day', () => {
    const ends = ['2026-11-26', '2026-11-27', '2026-11-29'].map((today) =>
      checkWindow(premiumFacts(), day(today), settings),
    );
    assert.deepEqual(
      ends.map((outcome) => outcome.code),
      ['IN_WINDOW', 'IN_WINDOW', 'IN_WINDOW'],
    );
    assert.match(ends[0]?.message ?? '', /ended today/);
    assert.match(ends[1]?.message ?? '', /ended 1 day ago/);
  });

  it('is still in grace on 2026-11-25: a regular renewal', () => {
    const outcome = checkWindow(premiumFacts(), day('2026-11-25'), settings);
    assert.equal(outcome.passed, false);
    assert.equal(outcome.code, 'GRACE_STILL_RUNNING');
    assert.equal(
      outcome.message,
      'Still in grace until 2026-11-25 (read-only from 2026-11-26): a regular renewal ticket, not an emergency.',
    );
  });

  it('says when the license has not even expired yet', () => {
    const outcome = checkWindow(premiumFacts(), day('2026-11-10'), settings);
    assert.equal(outcome.code, 'GRACE_STILL_RUNNING');
    assert.match(outcome.message, /^The license has not expired yet: it expires on 2026-11-12/);
    assert.match(outcome.message, /in grace until 2026-11-25 \(read-only from 2026-11-26\)/);
    assert.match(outcome.message, /regular renewal ticket, not an emergency/);
  });

  it('is too late on 2026-11-30 and on 2026-12-01, and names who to escalate to', () => {
    const dayAfter = checkWindow(premiumFacts(), day('2026-11-30'), settings);
    assert.equal(dayAfter.code, 'WINDOW_PASSED');
    assert.match(dayAfter.message, /ended 4 days ago/);
    const outcome = checkWindow(premiumFacts(), day('2026-12-01'), settings);
    assert.equal(outcome.passed, false);
    assert.equal(outcome.code, 'WINDOW_PASSED');
    assert.equal(
      outcome.message,
      'The grace period ended 5 days ago (read-only since 2026-11-26): outside the 3-day emergency window. Escalate to the licensing team in #support_licensing-subscription.',
    );
  });

  it('uses the configured escalation contact and window length', () => {
    const custom = {
      ...settings,
      emergencyWindowDays: 7,
      escalationContact: 'Pat (licensing lead)',
    };
    assert.equal(checkWindow(premiumFacts(), day('2026-12-01'), custom).code, 'IN_WINDOW');
    const late = checkWindow(premiumFacts(), day('2026-12-04'), custom);
    assert.match(
      late.message,
      /outside the 7-day emergency window\. Escalate to Pat \(licensing lead\)\./,
    );
  });

  it('trusts the license’s own read-only day over the configured grace', () => {
    const facts = premiumFacts({ blockChangesOn: day('2026-12-12') });
    assert.equal(graceEndsOn(facts, settings), '2026-12-12');
    assert.equal(checkWindow(facts, day('2026-11-28'), settings).code, 'GRACE_STILL_RUNNING');
  });

  it('uses expiry + the grace period when there is no read-only day (screenshots)', () => {
    const facts = premiumFacts({ source: 'screenshots', blockChangesOn: undefined });
    assert.equal(graceEndsOn(facts, settings), '2026-11-26');
    const outcome = checkWindow(facts, day('2026-11-28'), settings);
    assert.equal(outcome.code, 'IN_WINDOW');
    assert.match(outcome.message, /read-only since 2026-11-26, expiry \+ 14 days of grace/);
    const shorter = checkWindow(facts, day('2026-11-28'), { ...settings, gracePeriodDays: 7 });
    assert.equal(shorter.code, 'WINDOW_PASSED');
    assert.match(
      shorter.message,
      /ended 9 days ago \(read-only since 2026-11-19, expiry \+ 7 days/,
    );
  });

  it('is not checked without facts', () => {
    const outcome = checkWindow(undefined, day('2026-11-28'), settings);
    assert.equal(outcome.code, 'NOT_CHECKED');
    assert.equal(outcome.passed, false);
  });
});

describe('rule: window, counted from expiry', () => {
  const fromExpiry = { ...settings, windowCountsFrom: 'expiry' as const };

  it('is in the window up to 3 days after expiry', () => {
    const outcome = checkWindow(premiumFacts(), day('2026-11-15'), fromExpiry);
    assert.equal(outcome.code, 'IN_WINDOW');
    assert.equal(
      outcome.message,
      'The license expired 3 days ago (on 2026-11-12): within the 3-day emergency window.',
    );
  });

  it('is too late 4 days after expiry, even though grace still runs', () => {
    const outcome = checkWindow(premiumFacts(), day('2026-11-16'), fromExpiry);
    assert.equal(outcome.code, 'WINDOW_PASSED');
    assert.match(
      outcome.message,
      /^The license expired 4 days ago \(on 2026-11-12\): outside the 3-day emergency window\. Escalate to /,
    );
  });

  it('is a regular renewal before expiry', () => {
    const outcome = checkWindow(premiumFacts(), day('2026-11-11'), fromExpiry);
    assert.equal(outcome.code, 'GRACE_STILL_RUNNING');
    assert.equal(
      outcome.message,
      'The license has not expired yet: it expires on 2026-11-12. This is a regular renewal ticket, not an emergency.',
    );
  });
});
