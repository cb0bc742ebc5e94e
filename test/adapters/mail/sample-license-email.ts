import { readFileSync } from 'node:fs';
import { calendarDate } from '../../../src/license/calendar-date.js';
import type { LicenseEmailInput } from '../../../src/adapters/mail/license-email.js';

/** A real license file made by the gitlab-license gem: 250 users, 2026-11-28 to 2026-12-08. */
export const LICENSE_TEXT = readFileSync(
  new URL('../../fixtures/gitlab-license/emergency-ultimate-250.gitlab-license', import.meta.url),
  'utf8',
);

/** The license email's input for the fixture license, with any field replaced. */
export function sampleLicenseEmail(overrides: Partial<LicenseEmailInput> = {}): LicenseEmailInput {
  return {
    requestId: '6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10',
    deliveryId: 'd2',
    messageIdDomain: 'support.example.com',
    from: 'GitLab Support <support@support.example.com>',
    replyTo: 'help@support.example.com',
    to: 'admin@customer.example',
    ticket: { id: '12345', url: 'https://support.example.com/agent/tickets/12345' },
    userCount: 250,
    issuedAt: calendarDate('2026-11-28'),
    expiresAt: calendarDate('2026-12-08'),
    licenseText: LICENSE_TEXT,
    licenseFileName: 'emergency-12345.gitlab-license',
    ...overrides,
  };
}
