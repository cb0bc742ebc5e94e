import type { LicenseRow } from '../store/schema.js';

/** The download and attachment name of a stored license, e.g. `emergency-2026-11-28-250-users.gitlab-license`. */
export function storedLicenseFileName(
  license: Pick<LicenseRow, 'issued_at' | 'user_count'>,
): string {
  return `emergency-${license.issued_at}-${license.user_count}-users.gitlab-license`;
}
