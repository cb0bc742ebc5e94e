import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildEmergencyLicense,
  calendarDate,
  defaultEmergencyLicenseSettings,
  licenseFileName,
  licenseFingerprint,
  serializeLicenseAttributes,
} from '../../src/license/index.js';
import type { CalendarDate } from '../../src/license/index.js';
import { readFixture } from './fixtures.js';

const request = {
  customerEmail: 'admin@customer.example',
  userCount: 250,
  today: calendarDate('2026-11-28'),
};

describe('buildEmergencyLicense', () => {
  it('builds, byte for byte, the plaintext the gem made for the same request', () => {
    const license = buildEmergencyLicense(request, defaultEmergencyLicenseSettings);
    assert.equal(serializeLicenseAttributes(license), readFixture('emergency-ultimate-250.json'));
  });

  it('uses the operator settings for duration, licensee and grace', () => {
    const license = buildEmergencyLicense(request, {
      durationDays: 5,
      licenseeName: 'Temporary',
      licenseeCompany: 'Acme Support',
      gracePeriodDays: 7,
    });
    assert.equal(license.expires_at, '2026-12-03');
    assert.equal(license.block_changes_at, '2026-12-10');
    assert.deepEqual(license.licensee, {
      Name: 'Temporary',
      Company: 'Acme Support',
      Email: 'admin@customer.example',
    });
    // A week before a 5-day expiry is before the start: warn from the first day instead.
    assert.equal(license.notify_admins_at, '2026-11-28');
    assert.equal(license.notify_users_at, '2026-11-28');
  });

  it('refuses nonsense input with a RangeError', () => {
    const settings = defaultEmergencyLicenseSettings;
    for (const userCount of [0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => buildEmergencyLicense({ ...request, userCount }, settings), RangeError);
    }
    for (const customerEmail of ['', '  ', 'no-at-sign', 'a b@example.com']) {
      assert.throws(
        () => buildEmergencyLicense({ ...request, customerEmail }, settings),
        RangeError,
      );
    }
    const badDay = '2026-02-30' as CalendarDate;
    assert.throws(() => buildEmergencyLicense({ ...request, today: badDay }, settings), RangeError);
    assert.throws(
      () => buildEmergencyLicense(request, { ...settings, durationDays: 0 }),
      RangeError,
    );
    assert.throws(
      () => buildEmergencyLicense(request, { ...settings, licenseeName: ' ' }),
      RangeError,
    );
  });

  it('names and fingerprints the license file', () => {
    const license = buildEmergencyLicense(request, defaultEmergencyLicenseSettings);
    assert.equal(licenseFileName(license), 'emergency-2026-11-28-250-users.gitlab-license');
    assert.equal(
      licenseFingerprint('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
