/**
 * The temporary license the weekend workflow issues: an Ultimate trial for the customer's
 * user count, valid a fixed number of days from today, with generic licensee data and the
 * customer's email. The operator fixes the duration; no request can change it.
 */
import type { LicenseAttributes } from './attributes.js';
import type { CalendarDate } from './calendar-date.js';
import { addDays, compareCalendarDates, isCalendarDate } from './calendar-date.js';

export interface EmergencyLicenseSettings {
  /** Days from issue to expiry. Default 10. */
  durationDays: number;
  /** The licensee's Name. Default 'Emergency License'. */
  licenseeName: string;
  /** The licensee's Company. Default 'Emergency License'. */
  licenseeCompany: string;
  /** Days from expiry to read-only (block_changes_at). Default 14, GitLab's grace period. */
  gracePeriodDays: number;
}

export const defaultEmergencyLicenseSettings: EmergencyLicenseSettings = Object.freeze({
  durationDays: 10,
  licenseeName: 'Emergency License',
  licenseeCompany: 'Emergency License',
  gracePeriodDays: 14,
});

/** The gem's convention: admins and users are warned a week before expiry. */
const NOTIFY_DAYS_BEFORE_EXPIRY = 7;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function buildEmergencyLicense(
  input: { customerEmail: string; userCount: number; today: CalendarDate },
  settings: EmergencyLicenseSettings,
): LicenseAttributes {
  checkSettings(settings);
  const { customerEmail, userCount, today } = input;
  if (typeof customerEmail !== 'string' || !EMAIL.test(customerEmail)) {
    throw new RangeError('The customer email must be an address like name@example.com.');
  }
  if (!Number.isSafeInteger(userCount) || userCount < 1) {
    throw new RangeError('The user count must be a whole number of at least 1.');
  }
  if (!isCalendarDate(today)) throw new RangeError('Today must be a date (YYYY-MM-DD).');

  const expiresAt = addDays(today, settings.durationDays);
  const weekBefore = addDays(expiresAt, -NOTIFY_DAYS_BEFORE_EXPIRY);
  const notifyAt = compareCalendarDates(weekBefore, today) < 0 ? today : weekBefore;
  return {
    version: 1,
    licensee: {
      Name: settings.licenseeName,
      Company: settings.licenseeCompany,
      Email: customerEmail,
    },
    issued_at: today,
    expires_at: expiresAt,
    notify_admins_at: notifyAt,
    notify_users_at: notifyAt,
    block_changes_at: addDays(expiresAt, settings.gracePeriodDays),
    cloud_licensing_enabled: false,
    offline_cloud_licensing_enabled: false,
    auto_renew_enabled: false,
    seat_reconciliation_enabled: false,
    operational_metrics_enabled: false,
    generated_from_customers_dot: false,
    generated_from_cancellation: false,
    restrictions: { active_user_count: userCount, plan: 'ultimate', trial: true },
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
  if (
    !Number.isSafeInteger(settings.gracePeriodDays) ||
    settings.gracePeriodDays < 0 ||
    settings.gracePeriodDays > 365
  ) {
    throw new RangeError('The grace period must be a whole number of days from 0 to 365.');
  }
  if (settings.licenseeName.trim().length === 0 || settings.licenseeCompany.trim().length === 0) {
    throw new RangeError('The emergency licensee name and company must not be empty.');
  }
}
