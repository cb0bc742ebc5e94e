import type { CalendarDate } from '../../license/calendar-date.js';
import { daysBetween } from '../../license/calendar-date.js';
import type { CustomerKeys } from '../customer-keys.js';
import {
  emailDomainOf,
  isPublicEmailDomain,
  normaliseMailbox,
  registrableDomain,
} from '../customer-keys.js';
import type { RuleOutcome } from '../rule-outcome.js';
import type { PolicySettings } from '../settings.js';
import { days } from '../wording.js';

/** An earlier emergency request the store found for a similar customer. */
export interface EarlierEmergency {
  requestId: string;
  createdOn: CalendarDate;
  customerKeys: CustomerKeys;
  ticketUrl: string;
  /** The request's state: awaiting_approval | queued | issuing | succeeded | failed | rejected. */
  state: string;
}

/**
 * A rejected request never produced a license, so it does not stop a new one. Every other state
 * does: a succeeded request is resent, a failed one is retried, a running one is waited for —
 * none of them needs a second license.
 */
const statesThatNeverIssued = new Set(['rejected']);

/**
 * Repeat: no earlier emergency for the same customer within repeatPeriodDays. "Within" counts
 * whole days: with 30 days, a request made on 2026-11-01 blocks new ones up to 2026-11-30 and
 * not from 2026-12-01. A request dated after today (clocks, replays) counts as recent.
 */
export function checkRepeat(
  keys: CustomerKeys,
  earlier: readonly EarlierEmergency[],
  today: CalendarDate,
  settings: PolicySettings,
): RuleOutcome {
  const period = `the last ${days(settings.repeatPeriodDays)}`;
  const matches = earlier
    .filter((emergency) => !statesThatNeverIssued.has(emergency.state))
    .filter((emergency) => daysBetween(emergency.createdOn, today) < settings.repeatPeriodDays)
    .map((emergency) => ({
      emergency,
      reason: sameCustomer(keys, emergency.customerKeys, settings),
    }))
    .filter(
      (match): match is { emergency: EarlierEmergency; reason: string } =>
        match.reason !== undefined,
    )
    // The most recent first: that is the one to resend.
    .sort((a, b) =>
      a.emergency.createdOn < b.emergency.createdOn
        ? 1
        : a.emergency.createdOn > b.emergency.createdOn
          ? -1
          : 0,
    );

  const latest = matches[0];
  if (latest === undefined) {
    const checked = [
      keys.mailbox === undefined ? 'email' : 'mailbox',
      keys.emailDomain === undefined ? undefined : 'email domain',
      keys.company === undefined ? undefined : 'company',
      keys.subscriptionId === undefined ? undefined : 'subscription id',
    ].filter((key) => key !== undefined);
    return {
      rule: 'repeat',
      passed: true,
      code: 'NO_REPEAT',
      message: `No earlier emergency license for this customer in ${period} (checked by ${checked.join(', ')}).`,
    };
  }
  const { emergency, reason } = latest;
  const others =
    matches.length > 1
      ? ` ${matches.length - 1} more earlier request${matches.length > 2 ? 's match' : ' matches'} as well.`
      : '';
  return {
    rule: 'repeat',
    passed: false,
    code: 'REPEAT',
    message: `An emergency license was already requested for this customer on ${emergency.createdOn} (${reason}; request ${emergency.requestId}, ticket ${emergency.ticketUrl}): ${whatToDo(emergency.state)}, not a second license.${others}`,
    relatedRequestId: emergency.requestId,
  };
}

function whatToDo(state: string): string {
  switch (state) {
    case 'succeeded':
      return 'its license was issued, resend it instead';
    case 'failed':
      return 'it failed, retry or resend it instead';
    case 'queued':
    case 'issuing':
      return 'it is still being processed, wait for it';
    case 'awaiting_approval':
      return 'it is waiting for an approver, have it approved';
    default:
      return `it is ${state}, resend it instead`;
  }
}

/** Why two sets of keys are the same customer, or undefined when they are not. */
export function sameCustomer(
  current: CustomerKeys,
  earlier: CustomerKeys,
  settings: PolicySettings,
): string | undefined {
  const earlierEmail = String(earlier.email ?? '')
    .trim()
    .toLowerCase();
  if (current.email !== '' && current.email === earlierEmail) return `same email ${current.email}`;
  // Keys recorded before mailboxes and registrable domains existed are read again from the email.
  const currentMailbox = current.mailbox ?? normaliseMailbox(current.email);
  const earlierMailbox = earlier.mailbox ?? normaliseMailbox(earlierEmail);
  if (currentMailbox !== undefined && currentMailbox === earlierMailbox) {
    return `same mailbox ${currentMailbox} as ${earlierEmail}`;
  }
  // The earlier keys were computed under the settings of their day: check the domain again.
  const earlierDomain =
    (earlier.emailDomain === undefined ? undefined : registrableDomain(earlier.emailDomain)) ??
    emailDomainOf(earlierEmail);
  if (
    current.emailDomain !== undefined &&
    current.emailDomain === earlierDomain &&
    !isPublicEmailDomain(current.emailDomain, settings)
  ) {
    const as = earlierEmail === '' ? '' : ` as ${earlierEmail}`;
    return `same email domain ${current.emailDomain}${as}`;
  }
  if (current.company !== undefined && current.company === earlier.company) {
    return `same company “${current.company}”`;
  }
  if (current.subscriptionId !== undefined && current.subscriptionId === earlier.subscriptionId) {
    return `same subscription ${current.subscriptionId}`;
  }
  return undefined;
}
