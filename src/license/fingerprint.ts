/**
 * Names for a license file: a fingerprint that finds the same license again (in a tracker
 * issue, an email, a ticket note) and a file name a customer recognises in their downloads.
 */
import { createHash } from 'node:crypto';
import type { LicenseAttributes } from './attributes.js';

/** sha256 hex of the license text, exactly as written. */
export function licenseFingerprint(licenseText: string): string {
  return createHash('sha256').update(licenseText, 'utf8').digest('hex');
}

/** e.g. `emergency-2026-11-28-250-users.gitlab-license`. */
export function licenseFileName(license: LicenseAttributes, prefix = 'emergency'): string {
  const users = license.restrictions?.active_user_count;
  const seats = users === undefined ? 'unlimited' : String(users);
  const safePrefix = prefix.replace(/[^A-Za-z0-9_-]+/g, '-') || 'license';
  return `${safePrefix}-${license.issued_at}-${seats}-users.gitlab-license`;
}
