/**
 * The temporary license the weekend workflow issues: an Ultimate trial for the customer's
 * user count, with generic licensee data and the customer's email. The operator fixes the
 * duration; no request can change it.
 *
 * Its dates are chosen for GitLab's two clocks (`gitlab-upload-rules.md`): it has started on
 * every GitLab time zone the moment it is issued, and it lasts at least the configured number of
 * full days on every server clock. Like GitLab's own trials it has no block_changes_at, so when
 * it ends the instance stays writable at the Free tier instead of turning read-only again.
 */
import type { LicenseAttributes } from './attributes.js';
import type { CalendarDate } from './calendar-date.js';
import { addDays, calendarDateOf, compareCalendarDates } from './calendar-date.js';
import { EASTMOST_OFFSET_MS, WESTMOST_OFFSET_MS } from './gitlab-upload/time-zones.js';

export interface EmergencyLicenseSettings {
  /** Full days the license works at least, on any server clock. Default 10. */
  durationDays: number;
  /** The licensee's Name. Default 'Emergency License'. */
  licenseeName: string;
  /** The licensee's Company. Default 'Emergency License'. */
  licenseeCompany: string;
}

export const defaultEmergencyLicenseSettings: EmergencyLicenseSettings = Object.freeze({
  durationDays: 10,
  licenseeName: 'Emergency License',
  licenseeCompany: 'Emergency License',
});

/** Room for a clock of ours or the customer's that is off by less than this. */
export const CLOCK_MARGIN_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The gem's convention: admins and users are warned a week before expiry. */
const NOTIFY_DAYS_BEFORE_EXPIRY = 7;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface EmergencyLicenseInput {
  customerEmail: string;
  userCount: number;
  /** The moment of issue. */
  at: Date;
  /** Set only where the policy found it makes GitLab compare with billable users, safely. */
  previousUserCount?: number;
}

/**
 * issued_at is the day it is in UTC−12 (less the margin), so no zone is still on an earlier day;
 * expires_at is the first day that begins, even in UTC+14, at least `durationDays` (plus the
 * margin) after the moment of issue.
 */
export function emergencyLicenseDates(
  at: Date,
  durationDays: number,
): { issuedAt: CalendarDate; expiresAt: CalendarDate } {
  const atMs = at.getTime();
  if (!Number.isFinite(atMs)) throw new RangeError('The moment of issue must be a valid instant.');
  const issuedAt = calendarDateOf(new Date(atMs + WESTMOST_OFFSET_MS - CLOCK_MARGIN_MS));
  const mustLastUntil = atMs + durationDays * DAY_MS + CLOCK_MARGIN_MS + EASTMOST_OFFSET_MS;
  const lastDay = calendarDateOf(new Date(mustLastUntil));
  const startsExactly = Date.parse(`${lastDay}T00:00:00Z`) === mustLastUntil;
  return { issuedAt, expiresAt: startsExactly ? lastDay : addDays(lastDay, 1) };
}

export function buildEmergencyLicense(
  input: EmergencyLicenseInput,
  settings: EmergencyLicenseSettings,
): LicenseAttributes {
  checkSettings(settings);
  const { customerEmail, userCount, previousUserCount } = input;
  if (typeof customerEmail !== 'string' || !EMAIL.test(customerEmail)) {
    throw new RangeError('The customer email must be an address like name@example.com.');
  }
  if (!Number.isSafeInteger(userCount) || userCount < 1) {
    throw new RangeError('The user count must be a whole number of at least 1.');
  }
  if (
    previousUserCount !== undefined &&
    (!Number.isSafeInteger(previousUserCount) || previousUserCount < 1)
  ) {
    throw new RangeError('The previous user count must be a whole number of at least 1.');
  }
  if (!(input.at instanceof Date)) throw new RangeError('The moment of issue must be a Date.');

  const { issuedAt, expiresAt } = emergencyLicenseDates(input.at, settings.durationDays);
  const weekBefore = addDays(expiresAt, -NOTIFY_DAYS_BEFORE_EXPIRY);
  const notifyAt = compareCalendarDates(weekBefore, issuedAt) < 0 ? issuedAt : weekBefore;
  return {
    version: 1,
    licensee: {
      Name: settings.licenseeName,
      Company: settings.licenseeCompany,
      Email: customerEmail,
    },
    issued_at: issuedAt,
    expires_at: expiresAt,
    notify_admins_at: notifyAt,
    notify_users_at: notifyAt,
    cloud_licensing_enabled: false,
    offline_cloud_licensing_enabled: false,
    auto_renew_enabled: false,
    seat_reconciliation_enabled: false,
    operational_metrics_enabled: false,
    generated_from_customers_dot: false,
    generated_from_cancellation: false,
    restrictions: {
      active_user_count: userCount,
      plan: 'ultimate',
      trial: true,
      ...(previousUserCount !== undefined && { previous_user_count: previousUserCount }),
    },
  };
}

function checkSettings(settings: EmergencyLicenseSettings): void {
  if (
    !Number.isSafeInteger(settings.durationDays) ||
    settings.durationDays < 1 ||
    settings.durationDays > 365
  ) {
    throw new RangeError(
      'The emergency license duration must be a whole number of days from 1 to 365.',
    );
  }
  if (settings.licenseeName.trim().length === 0 || settings.licenseeCompany.trim().length === 0) {
    throw new RangeError('The emergency licensee name and company must not be empty.');
  }
}
