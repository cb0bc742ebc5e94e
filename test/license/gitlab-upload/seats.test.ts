import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkSeats, fewestSeatsFor, seatsWithThreshold } from '../../../src/license/index.js';

/** The spec's rule written another way: N plus a tenth of N, rounded down. */
const threshold = (seats: number) => seats + Math.floor(seats / 10);

describe('seatsWithThreshold', () => {
  it('gives no slack below 10 seats and 10 % floored from there', () => {
    assert.equal(seatsWithThreshold(9), 9);
    assert.equal(seatsWithThreshold(10), 11);
    assert.equal(seatsWithThreshold(19), 20);
    assert.equal(seatsWithThreshold(100), 110);
    assert.equal(seatsWithThreshold(480), 528);
  });

  it('equals N + floor(N / 10) for every count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000_000 }), (n) => {
        assert.equal(seatsWithThreshold(n), threshold(n));
      }),
    );
  });
});

describe('fewestSeatsFor', () => {
  it('is the smallest count whose threshold reaches the users', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), (users) => {
        const fewest = fewestSeatsFor(users);
        assert.ok(threshold(fewest) >= users, `${fewest} seats cover ${users}`);
        assert.ok(fewest === 1 || threshold(fewest - 1) < users, `${fewest - 1} seats do not`);
      }),
    );
    assert.equal(fewestSeatsFor(10), 10);
    assert.equal(fewestSeatsFor(11), 10);
    assert.equal(fewestSeatsFor(12), 11);
    assert.equal(fewestSeatsFor(0), 1);
  });
});

describe('checkSeats', () => {
  it('refuses a 9-seat license one user over, and accepts 10 seats for 11 users', () => {
    const nine = checkSeats(9, undefined, { maximumUsers: 10 });
    assert.equal(nine.accepted, false);
    assert.equal(
      nine.message,
      "During the year before this license started, this GitLab installation had 10 active users, exceeding this license's limit of 9 by 1 users. Please add a license for at least 10 users or contact sales at https://about.gitlab.com/sales/",
    );
    assert.equal(checkSeats(10, undefined, { maximumUsers: 11 }).accepted, true);
    assert.equal(checkSeats(10, undefined, { maximumUsers: 12 }).accepted, false);
  });

  it('accepts exactly at the 10 % slack and refuses one above it', () => {
    assert.equal(checkSeats(100, undefined, { maximumUsers: 110 }).accepted, true);
    assert.equal(checkSeats(100, undefined, { maximumUsers: 111 }).accepted, false);
  });

  it('with previous_user_count at or above the maximum, compares with billable users (helps)', () => {
    // Users were removed before the renewal: the peak was 480, today 300.
    const evidence = { maximumUsers: 480, billableUsers: 300 };
    assert.equal(checkSeats(300, undefined, evidence).accepted, false);
    const helped = checkSeats(300, 480, evidence);
    assert.equal(helped.accepted, true);
    assert.equal(helped.comparedWith, 'billable_users');
  });

  it('with previous_user_count, refuses when billable users grew past the slack (hurts)', () => {
    // GitLab's prior maximum within P, but today's users above 1.1 × N.
    const hurt = checkSeats(100, 500, { maximumUsers: 111, billableUsers: 111 });
    assert.equal(hurt.accepted, false);
    assert.equal(
      hurt.message,
      "This GitLab installation currently has 111 active users, exceeding this license's limit of 100 by 11 users. Please add a license for at least 111 users or contact sales at https://about.gitlab.com/sales/",
    );
  });

  it('ignores previous_user_count below the maximum (the second branch)', () => {
    const check = checkSeats(300, 400, { maximumUsers: 480, billableUsers: 300 });
    assert.equal(check.comparedWith, 'maximum_users');
    assert.equal(check.accepted, false);
  });

  it('takes an unknown billable count at its upper bound, the maximum', () => {
    assert.equal(checkSeats(300, 480, { maximumUsers: 480 }).accepted, false);
    assert.equal(checkSeats(437, 480, { maximumUsers: 480 }).accepted, true);
  });

  it('agrees with the spec’s rules for every combination', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.option(fc.integer({ min: 1, max: 5_000 }), { nil: undefined }),
        (seats, peak, billableBelow, previous) => {
          const billable = Math.min(billableBelow, peak);
          const check = checkSeats(seats, previous, {
            maximumUsers: peak,
            billableUsers: billable,
          });
          const billableBranch = previous !== undefined && peak <= previous;
          const expected = billableBranch ? threshold(seats) >= billable : threshold(seats) >= peak;
          assert.equal(check.accepted, expected);
          assert.equal(check.message === undefined, expected);
        },
      ),
    );
  });
});
