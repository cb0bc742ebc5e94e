import type { SubscriptionFacts } from '../evidence.js';
import type { RuleOutcome } from '../rule-outcome.js';
import type { PolicySettings } from '../settings.js';
import { count, users } from '../wording.js';

/** User count: a whole number from 1 to the configured ceiling. */
export function checkUserCount(userCount: number, settings: PolicySettings): RuleOutcome {
  // The value comes from JSON or a form: it may be a fraction, negative, or not a number at all.
  if (typeof userCount !== 'number' || !Number.isFinite(userCount)) {
    return invalid(
      'The user count is not a number: enter the number of users from the customer’s Admin Area dashboard.',
    );
  }
  if (!Number.isInteger(userCount)) {
    return invalid(`The user count must be a whole number of users (got ${count(userCount)}).`);
  }
  if (userCount < 1) {
    return invalid(`The user count must be at least 1 (got ${count(userCount)}).`);
  }
  if (userCount > settings.maxUserCount) {
    return {
      rule: 'user_count',
      passed: false,
      code: 'USER_COUNT_ABOVE_CEILING',
      message: `The user count ${count(userCount)} is above this policy’s ceiling of ${users(settings.maxUserCount)}: check the number on the customer’s Admin Area dashboard, or ask the licensing team.`,
    };
  }
  return {
    rule: 'user_count',
    passed: true,
    code: 'USER_COUNT_OK',
    message: `A temporary license for ${users(userCount)}.`,
  };
}

/**
 * Fewer seats than the expired license had pass GitLab's check when they cover the maximum users
 * (the seat rule decides that), but the real renewal will be for the subscription's seats: a
 * count below them is worth a second look.
 */
export function userCountWarnings(
  userCount: number,
  facts: SubscriptionFacts | undefined,
): string[] {
  const seats = facts?.licensedUsers;
  if (seats === undefined || typeof userCount !== 'number' || !Number.isInteger(userCount))
    return [];
  if (userCount < 1 || userCount >= seats) return [];
  return [
    `The user count (${count(userCount)}) is below the expired license’s ${count(seats)} seats: make sure the customer asked for fewer seats (GitLab’s own check is the seat rule above).`,
  ];
}

function invalid(message: string): RuleOutcome {
  return { rule: 'user_count', passed: false, code: 'USER_COUNT_INVALID', message };
}
