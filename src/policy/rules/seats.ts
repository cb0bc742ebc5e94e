import { checkSeats, fewestSeatsFor, seatsWithThreshold } from '../../license/index.js';
import type { SubscriptionFacts } from '../evidence.js';
import type { RuleOutcome } from '../rule-outcome.js';
import { notChecked } from '../rule-outcome.js';
import type { PolicySettings } from '../settings.js';
import { count, users } from '../wording.js';

/**
 * Seats: the customer's GitLab must accept the count at upload. The check is GitLab's own
 * (`license/gitlab-upload/seats.ts`, the same code `lifeline license preflight` runs), with
 * the *Maximum users* card standing in for GitLab's prior maximum.
 *
 * previous_user_count (P) is set to the expired license's seats only where it turns a refusal
 * into a pass and cannot turn into a refusal: P ≥ maximum users ≥ GitLab's prior maximum, so
 * GitLab compares with billable users, and the given billable users fit. Never otherwise: with P
 * set, a customer who added users since would be refused.
 */
export function checkSeatCount(
  userCount: number,
  facts: SubscriptionFacts | undefined,
  settings: PolicySettings,
): RuleOutcome {
  if (!Number.isSafeInteger(userCount) || userCount < 1) {
    return notChecked('seats', 'the user count is not a whole number of at least 1');
  }
  if (facts === undefined) {
    return notChecked('seats', 'the maximum users are unknown until the evidence can be read');
  }
  const { maximumUsers, billableUsers } = facts;
  if (maximumUsers === undefined) {
    return notChecked(
      'seats',
      'the maximum users were not given: enter the *Maximum users* card from the customer’s Admin Area › Subscription screenshot',
    );
  }
  const evidence = { maximumUsers, ...(billableUsers !== undefined && { billableUsers }) };
  const plain = checkSeats(userCount, undefined, evidence);
  if (plain.accepted) {
    return {
      rule: 'seats',
      passed: true,
      code: 'SEATS_OK',
      message: `GitLab accepts ${users(userCount)}: with its 10% allowance they cover up to ${count(seatsWithThreshold(userCount))}, at least the ${count(maximumUsers)} maximum users of the expired term.`,
    };
  }
  const previousUserCount = helpfulPreviousUserCount(userCount, facts);
  if (previousUserCount !== undefined) {
    return {
      rule: 'seats',
      passed: true,
      code: 'SEATS_OK_PREVIOUS_USER_COUNT',
      message: `GitLab accepts ${users(userCount)} because the license records the expired license’s ${count(previousUserCount)} seats as its previous user count: GitLab then compares with today’s ${count(billableUsers ?? 0)} billable users (users were removed since the peak of ${count(maximumUsers)}).`,
      previousUserCount,
    };
  }
  const smallest = smallestAcceptedCount(facts, maximumUsers);
  const within = smallest <= settings.maxUserCount;
  return {
    rule: 'seats',
    passed: false,
    code: 'SEATS_REFUSED_BY_GITLAB',
    message: `GitLab would refuse ${users(userCount)}: “${plain.message ?? ''}” ${
      within
        ? `The smallest user count it accepts is ${count(smallest)}.`
        : `The smallest user count it accepts, ${count(smallest)}, is above this policy’s ceiling of ${users(settings.maxUserCount)}: ask the licensing team.`
    }`,
    ...(within && { suggestedUserCount: smallest }),
  };
}

/** The expired seats as previous_user_count, when that is both needed and safe. */
function helpfulPreviousUserCount(userCount: number, facts: SubscriptionFacts): number | undefined {
  const { maximumUsers, billableUsers, licensedUsers } = facts;
  if (maximumUsers === undefined || billableUsers === undefined || licensedUsers === undefined) {
    return undefined;
  }
  if (maximumUsers > licensedUsers) return undefined;
  const withPrevious = checkSeats(userCount, licensedUsers, { maximumUsers, billableUsers });
  return withPrevious.accepted ? licensedUsers : undefined;
}

/** The fewest seats GitLab accepts: against the maximum, or the billable users where P helps. */
export function smallestAcceptedCount(facts: SubscriptionFacts, maximumUsers: number): number {
  const againstMaximum = fewestSeatsFor(maximumUsers);
  const { billableUsers, licensedUsers } = facts;
  if (billableUsers === undefined || licensedUsers === undefined || maximumUsers > licensedUsers) {
    return againstMaximum;
  }
  return Math.min(againstMaximum, fewestSeatsFor(billableUsers));
}

/**
 * The seats of a later license of the same request (an extension): GitLab checks it at upload
 * as it checked the first, against the same evidence and with the previous_user_count the
 * decision fixed. Unchecked (undefined) when the decision read no maximum users.
 */
export function extensionSeatsProblem(
  userCount: number,
  facts: SubscriptionFacts | undefined,
  previousUserCount: number | undefined,
): string | undefined {
  const maximumUsers = facts?.maximumUsers;
  if (facts === undefined || maximumUsers === undefined) return undefined;
  const { billableUsers } = facts;
  const evidence = { maximumUsers, ...(billableUsers !== undefined && { billableUsers }) };
  const check = checkSeats(userCount, previousUserCount, evidence);
  if (check.accepted) return undefined;
  const smallest =
    previousUserCount !== undefined && maximumUsers <= previousUserCount
      ? fewestSeatsFor(billableUsers ?? maximumUsers)
      : fewestSeatsFor(maximumUsers);
  return `GitLab would refuse ${users(userCount)}: “${check.message ?? ''}” The smallest user count it accepts is ${count(smallest)}.`;
}
