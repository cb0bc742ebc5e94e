/**
 * Names for a license file: a fingerprint that finds the same license again (in a tracker
 * issue, an email, a ticket note) and a file name a customer recognises in their downloads.
 */
import { createHash } from 'node:crypto';
import type { LicenseAttributes } from './attributes.js';
import { addDays } from './calendar-date.js';

/** sha256 hex of the license text, exactly as written. */
export function licenseFingerprint(licenseText: string): string {
  return createHash('sha256').update(licenseText, 'utf8').digest('hex');
}

/**
 * e.g. `emergency-250-users-through-2026-12-09.gitlab-license`: the seats and the last full day
 * it works, the two things a customer looks for (the start date is a day early by design).
 */
export function licenseFileName(
  license: Pick<LicenseAttributes, 'expires_at' | 'restrictions'>,
  prefix = 'emergency',
): string {
  const users = license.restrictions?.active_user_count;
  const seats = users === undefined ? 'unlimited' : String(users);
  const safePrefix = prefix.replace(/[^A-Za-z0-9_-]+/g, '-') || 'license';
  return `${safePrefix}-${seats}-users-through-${addDays(license.expires_at, -1)}.gitlab-license`;
}
