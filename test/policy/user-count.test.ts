import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPolicySettings } from '../../src/policy/index.js';
import { checkUserCount, userCountWarnings } from '../../src/policy/rules/user-count.js';
import { premiumFacts } from './fixtures.js';

describe('rule: user count', () => {
  it('passes a whole number from 1 to the ceiling', () => {
    for (const userCount of [1, 480, 100_000]) {
      const outcome = checkUserCount(userCount, defaultPolicySettings);
      assert.equal(outcome.passed, true, String(userCount));
      assert.equal(outcome.code, 'USER_COUNT_OK');
    }
    assert.equal(
      checkUserCount(1, defaultPolicySettings).message,
      'A temporary license for 1 user.',
    );
    assert.equal(
      checkUserCount(1500, defaultPolicySettings).message,
      'A temporary license for 1,500 users.',
    );
  });

  it('refuses a fraction', () => {
    const outcome = checkUserCount(12.5, defaultPolicySettings);
    assert.equal(outcome.code, 'USER_COUNT_INVALID');
    assert.equal(outcome.passed, false);
    assert.match(outcome.message, /whole number of users \(got 12.5\)/);
  });

  it('refuses zero and negative counts', () => {
    for (const userCount of [0, -3]) {
      const outcome = checkUserCount(userCount, defaultPolicySettings);
      assert.equal(outcome.code, 'USER_COUNT_INVALID');
      assert.match(outcome.message, /at least 1/);
    }
  });

  it('refuses what is not a number at all', () => {
    for (const userCount of [
      Number.NaN,
      Infinity,
      null as unknown as number,
      '12' as unknown as number,
    ]) {
      const outcome = checkUserCount(userCount, defaultPolicySettings);
      assert.equal(outcome.code, 'USER_COUNT_INVALID');
      assert.match(outcome.message, /not a number.*Admin Area dashboard/);
    }
  });

  it('refuses a count above the ceiling', () => {
    const outcome = checkUserCount(100_001, { ...defaultPolicySettings });
    assert.equal(outcome.passed, false);
    assert.equal(outcome.code, 'USER_COUNT_ABOVE_CEILING');
    assert.match(outcome.message, /100,001 is above this policy’s ceiling of 100,000 users/);
    const lower = checkUserCount(600, { ...defaultPolicySettings, maxUserCount: 500 });
    assert.equal(lower.code, 'USER_COUNT_ABOVE_CEILING');
  });

  it('warns when the count is below the expired license’s seats', () => {
    const [warning, ...more] = userCountWarnings(400, premiumFacts());
    assert.deepEqual(more, []);
    assert.match(warning ?? '', /The user count \(400\) is below the expired license’s 480 seats/);
    assert.match(warning ?? '', /the seat rule above/);
  });

  it('does not warn at or above the seats, or when the seats are unknown', () => {
    assert.deepEqual(userCountWarnings(480, premiumFacts()), []);
    assert.deepEqual(userCountWarnings(900, premiumFacts()), []);
    assert.deepEqual(userCountWarnings(10, premiumFacts({ licensedUsers: undefined })), []);
    assert.deepEqual(userCountWarnings(10, undefined), []);
    assert.deepEqual(userCountWarnings(0.5, premiumFacts()), []);
  });
});
