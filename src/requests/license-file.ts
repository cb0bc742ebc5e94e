import type { CalendarDate } from '../license/calendar-date.js';
import { licenseFileName } from '../license/fingerprint.js';
import type { LicenseRow } from '../store/schema.js';

/** The download and attachment name of a stored license: the same as any license's. */
export function storedLicenseFileName(
  license: Pick<LicenseRow, 'expires_at' | 'user_count'>,
): string {
  return licenseFileName({
    expires_at: license.expires_at as CalendarDate,
    restrictions: { active_user_count: Number(license.user_count) },
  });
}
