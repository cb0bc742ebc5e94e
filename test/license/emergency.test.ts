import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildEmergencyLicense,
  defaultEmergencyLicenseSettings,
  emergencyLicenseDates,
  licenseFileName,
  licenseFingerprint,
  serializeLicenseAttributes,
} from '../../src/license/index.js';
import { fixtureEmergencyJson, fixtureIssueMoment } from './fixtures.js';

const request = {
  customerEmail: 'admin@customer.example',
  userCount: 250,
  at: fixtureIssueMoment,
};

describe('buildEmergencyLicense', () => {
  it('builds, byte for byte, the plaintext the gem makes for the same attributes', () => {
    const license = buildEmergencyLicense(request, defaultEmergencyLicenseSettings);
    assert.equal(serializeLicenseAttributes(license), fixtureEmergencyJson());
  });

  it('has no block_changes_at, like GitLab’s own trials', () => {
    const license = buildEmergencyLicense(request, defaultEmergencyLicenseSettings);
    assert.equal(license.block_changes_at, undefined);
    assert.equal(license.restrictions?.trial, true);
    assert.equal(license.restrictions?.plan, 'ultimate');
  });

  it('sets previous_user_count only when asked, after the seats as GitLab orders them', () => {
    const plain = buildEmergencyLicense(request, defaultEmergencyLicenseSettings);
    assert.equal(plain.restrictions?.previous_user_count, undefined);
    const withPrevious = buildEmergencyLicense(
      { ...request, previousUserCount: 480 },
      defaultEmergencyLicenseSettings,
    );
    assert.equal(withPrevious.restrictions?.previous_user_count, 480);
    assert.match(
      serializeLicenseAttributes(withPrevious),
      /"restrictions":\{"active_user_count":250,"plan":"ultimate","trial":true,"previous_user_count":480\}/,
    );
  });

  it('uses the operator settings for duration and licensee', () => {
    const license = buildEmergencyLicense(request, {
      durationDays: 5,
      licenseeName: 'Temporary',
      licenseeCompany: 'Acme Support',
    });
    // 12:00 UTC + 5 days + UTC+14 + an hour's margin = 2026-12-04T03:00Z: expires the day after.
    assert.equal(license.issued_at, '2026-11-27');
    assert.equal(license.expires_at, '2026-12-05');
    assert.deepEqual(license.licensee, {
      Name: 'Temporary',
      Company: 'Acme Support',
      Email: 'admin@customer.example',
    });
    // The gem's convention: warn a week before expiry.
    assert.equal(license.notify_admins_at, '2026-11-28');
    assert.equal(license.notify_users_at, '2026-11-28');
    const short = buildEmergencyLicense(request, {
      ...defaultEmergencyLicenseSettings,
      durationDays: 2,
    });
    // A week before a short expiry is before the start: warn from the first day instead.
    assert.equal(short.notify_admins_at, short.issued_at);
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
    assert.throws(
      () => buildEmergencyLicense({ ...request, at: new Date(Number.NaN) }, settings),
      RangeError,
    );
    assert.throws(
      () => buildEmergencyLicense({ ...request, previousUserCount: 0 }, settings),
      RangeError,
    );
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
    assert.equal(licenseFileName(license), 'emergency-250-users-through-2026-12-09.gitlab-license');
    assert.equal(
      licenseFingerprint('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('emergencyLicenseDates', () => {
  it('starts on the day it is in UTC−12, less an hour, and ends on a whole day', () => {
    const at = (iso: string) => emergencyLicenseDates(new Date(iso), 10);
    assert.deepEqual(at('2026-11-28T00:05:00Z'), {
      issuedAt: '2026-11-27',
      expiresAt: '2026-12-09',
    });
    assert.deepEqual(at('2026-11-28T12:59:59Z'), {
      issuedAt: '2026-11-27',
      expiresAt: '2026-12-10',
    });
    assert.deepEqual(at('2026-11-28T13:00:00Z'), {
      issuedAt: '2026-11-28',
      expiresAt: '2026-12-10',
    });
    assert.deepEqual(at('2026-11-28T23:55:00Z'), {
      issuedAt: '2026-11-28',
      expiresAt: '2026-12-10',
    });
    // Exactly at a day's start in UTC+14 less the margin: that day itself, not the next.
    assert.deepEqual(at('2026-11-28T09:00:00Z'), {
      issuedAt: '2026-11-27',
      expiresAt: '2026-12-09',
    });
  });
});
