/**
 * Where a license stands on a given day, in GitLab's terms: not started, active, expired but
 * still in the grace period, or read-only (changes blocked). A license is expired on its
 * expires_at day; the instance turns read-only on block_changes_at, or, for a paid license
 * without it, on expires_at + the grace period. A trial without block_changes_at (GitLab's own,
 * and Lifeline's emergency licenses) never turns the instance read-only: it runs at the Free
 * tier once expired (`expired_free`).
 */
import type { LicenseAttributes } from './attributes.js';
import type { CalendarDate } from './calendar-date.js';
import { addDays, compareCalendarDates, daysBetween } from './calendar-date.js';

export const DEFAULT_GRACE_PERIOD_DAYS = 14;

export interface LicenseStatus {
  kind: 'not_started' | 'active' | 'expired_in_grace' | 'read_only' | 'expired_free';
  /** Days since expires_at (0 on the expiry day); set once expired. */
  expiredDaysAgo?: number;
  /** The first read-only day; set once expired. */
  graceEndsOn?: CalendarDate;
  /** Set when read_only: the same day as graceEndsOn. */
  readOnlySince?: CalendarDate;
  /** Days until the next change: the start, the expiry or the end of grace. */
  daysLeft?: number;
  /** One human sentence. */
  summary: string;
}

export function licenseStatus(
  license: LicenseAttributes,
  today: CalendarDate,
  gracePeriodDays = DEFAULT_GRACE_PERIOD_DAYS,
): LicenseStatus {
  const trialNote =
    license.restrictions?.trial === true
      ? ', and as a trial its paid features stopped that day'
      : '';
  if (compareCalendarDates(today, license.issued_at) < 0) {
    const daysLeft = daysBetween(today, license.issued_at);
    return {
      kind: 'not_started',
      daysLeft,
      summary: `Not started yet: starts on ${license.issued_at} (${inDays(daysLeft)}) and expires on ${license.expires_at}.`,
    };
  }
  if (compareCalendarDates(today, license.expires_at) < 0) {
    const daysLeft = daysBetween(today, license.expires_at);
    return {
      kind: 'active',
      daysLeft,
      summary: `Active: expires on ${license.expires_at} (${inDays(daysLeft)}).`,
    };
  }
  const expiredDaysAgo = daysBetween(license.expires_at, today);
  if (license.restrictions?.trial === true && license.block_changes_at === undefined) {
    return {
      kind: 'expired_free',
      expiredDaysAgo,
      summary: `Expired on ${license.expires_at} (${daysAgo(expiredDaysAgo)}): as a trial with no read-only date, its paid features stopped that day and the instance runs, writable, at the Free tier.`,
    };
  }
  const graceEndsOn = license.block_changes_at ?? addDays(license.expires_at, gracePeriodDays);
  const expired = `Expired on ${license.expires_at} (${daysAgo(expiredDaysAgo)})${trialNote}`;
  if (compareCalendarDates(today, graceEndsOn) < 0) {
    const daysLeft = daysBetween(today, graceEndsOn);
    return {
      kind: 'expired_in_grace',
      expiredDaysAgo,
      graceEndsOn,
      daysLeft,
      summary: `${expired}; in the grace period until ${graceEndsOn}, when the instance turns read-only (${inDays(daysLeft)}).`,
    };
  }
  return {
    kind: 'read_only',
    expiredDaysAgo,
    graceEndsOn,
    readOnlySince: graceEndsOn,
    summary: `${expired}; read-only since ${graceEndsOn} (${daysAgo(daysBetween(graceEndsOn, today))}): the grace period is over.`,
  };
}

function inDays(days: number): string {
  return days === 1 ? 'in 1 day' : `in ${days} days`;
}

function daysAgo(days: number): string {
  if (days === 0) return 'today';
  return days === 1 ? '1 day ago' : `${days} days ago`;
}
