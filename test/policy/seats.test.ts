import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  buildEmergencyLicense,
  defaultEmergencyLicenseSettings,
  preflightUpload,
  timeZone,
} from '../../src/license/index.js';
import { decide, defaultPolicySettings } from '../../src/policy/index.js';
import type { DecisionInput } from '../../src/policy/index.js';
import { checkSeatCount } from '../../src/policy/rules/seats.js';
import { day, evidenceKey, premium480, premiumFacts } from './fixtures.js';

const settings = defaultPolicySettings;
const utc = timeZone('UTC');

describe('rule: seats', () => {
  it('passes a count whose 10 % allowance covers the maximum users', () => {
    const outcome = checkSeatCount(437, premiumFacts({ maximumUsers: 480 }), settings);
    assert.equal(outcome.passed, true);
    assert.equal(outcome.code, 'SEATS_OK');
    assert.equal(outcome.previousUserCount, undefined);
    assert.match(outcome.message, /cover up to 480, at least the 480 maximum users/);
  });

  it('refuses a count GitLab refuses, in GitLab’s words, with the smallest count it accepts', () => {
    const outcome = checkSeatCount(436, premiumFacts({ maximumUsers: 480 }), settings);
    assert.equal(outcome.passed, false);
    assert.equal(outcome.code, 'SEATS_REFUSED_BY_GITLAB');
    assert.equal(outcome.suggestedUserCount, 437);
    assert.match(
      outcome.message,
      /^GitLab would refuse 436 users: “During the year before this license started, this GitLab installation had 480 active users, exceeding this license's limit of 436 by 44 users\. .*” The smallest user count it accepts is 437\.$/,
    );
  });

  it('refuses the 9-seat customer one user over and offers 10', () => {
    const facts = premiumFacts({ licensedUsers: 9, maximumUsers: 10 });
    const outcome = checkSeatCount(9, facts, settings);
    assert.equal(outcome.passed, false);
    assert.equal(outcome.suggestedUserCount, 10);
    assert.equal(checkSeatCount(10, facts, settings).passed, true);
  });

  it('sets previous_user_count where users were removed since the peak, and only then', () => {
    // Seats 480, peak 470, today 300 billable: 300 seats pass only with P = 480.
    const removed = premiumFacts({ maximumUsers: 470, billableUsers: 300 });
    const helped = checkSeatCount(300, removed, settings);
    assert.equal(helped.passed, true);
    assert.equal(helped.code, 'SEATS_OK_PREVIOUS_USER_COUNT');
    assert.equal(helped.previousUserCount, 480);
    // Enough seats without it: P is never set.
    assert.equal(checkSeatCount(430, removed, settings).previousUserCount, undefined);
    // Without the billable users, P cannot be shown safe: the smallest count is against the peak.
    const unknown = checkSeatCount(300, premiumFacts({ maximumUsers: 470 }), settings);
    assert.equal(unknown.passed, false);
    assert.equal(unknown.suggestedUserCount, 428);
    // The peak above the expired seats (over license during the year): GitLab ignores P.
    const over = checkSeatCount(
      300,
      premiumFacts({ maximumUsers: 600, billableUsers: 300 }),
      settings,
    );
    assert.equal(over.passed, false);
    assert.equal(over.suggestedUserCount, 546);
  });

  it('offers the smaller of the two counts that pass', () => {
    const removed = premiumFacts({ maximumUsers: 470, billableUsers: 300 });
    const outcome = checkSeatCount(200, removed, settings);
    assert.equal(outcome.passed, false);
    assert.equal(outcome.suggestedUserCount, 273, 'with P, 273 × 1.1 floored is 300');
  });

  it('is not checked without the maximum users, and says where to read them', () => {
    const outcome = checkSeatCount(500, premiumFacts(), settings);
    assert.equal(outcome.code, 'NOT_CHECKED');
    assert.match(outcome.message, /Maximum users/);
  });

  it('says when even the smallest passing count is above the ceiling', () => {
    const outcome = checkSeatCount(10, premiumFacts({ maximumUsers: 5_000 }), {
      ...settings,
      maxUserCount: 1_000,
    });
    assert.equal(outcome.suggestedUserCount, undefined);
    assert.match(outcome.message, /above this policy’s ceiling of 1,000 users/);
  });
});

describe('the decision and the preflight never disagree', () => {
  it('every eligible decision makes a license GitLab accepts; every seat refusal is GitLab’s', () => {
    const case_ = fc.record({
      userCount: fc.integer({ min: 1, max: 2_000 }),
      maximumUsers: fc.integer({ min: 0, max: 2_000 }),
      billable: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: undefined }),
      minute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    });
    fc.assert(
      fc.property(case_, ({ userCount, maximumUsers, billable, minute }) => {
        const billableUsers = billable === undefined ? undefined : Math.min(billable, maximumUsers);
        const input: DecisionInput = {
          today: day('2026-11-28'),
          customerEmail: 'jane@acme.example',
          userCount,
          evidence: {
            licenseFile: premium480,
            maximumUsers,
            ...(billableUsers !== undefined && { billableUsers }),
          },
          earlierEmergencies: [],
        };
        const decision = decide(input, [evidenceKey], settings);
        const seats = decision.rules.find((outcome) => outcome.rule === 'seats');
        const atMs = Date.parse('2026-11-28T00:00:00Z') + minute * 60_000;
        const preflightOf = (previousUserCount?: number) =>
          preflightUpload({
            license: buildEmergencyLicense(
              {
                customerEmail: 'jane@acme.example',
                userCount,
                at: new Date(atMs),
                ...(previousUserCount !== undefined && { previousUserCount }),
              },
              defaultEmergencyLicenseSettings,
            ),
            seats: { maximumUsers, ...(billableUsers !== undefined && { billableUsers }) },
            atMs,
            gitlabTimeZone: utc,
            serverTimeZone: utc,
          });
        if (decision.eligible) {
          const result = preflightOf(decision.licenseTerms?.previousUserCount);
          assert.equal(result.accepted, true, result.message ?? '');
        } else {
          assert.equal(seats?.passed, false);
          assert.equal(preflightOf().accepted, false);
          const suggested = seats?.suggestedUserCount;
          assert.ok(suggested !== undefined && suggested > userCount);
          const again = decide({ ...input, userCount: suggested }, [evidenceKey], settings);
          assert.equal(again.eligible, true, 'the suggested count passes');
          const below = decide({ ...input, userCount: suggested - 1 }, [evidenceKey], settings);
          assert.equal(below.eligible, false, 'and no smaller one does');
        }
      }),
      { numRuns: 300 },
    );
  });
});
