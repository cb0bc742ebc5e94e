import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calendarDate, licenseStatus } from '../../src/license/index.js';
import type { LicenseAttributes } from '../../src/license/index.js';
import { readFixture } from './fixtures.js';

const premium = JSON.parse(readFixture('expired-premium-480.json')) as LicenseAttributes;
const { block_changes_at: _block, ...withoutBlock } = premium;
const day = calendarDate;

describe('licenseStatus', () => {
  it('is not_started before issued_at', () => {
    const status = licenseStatus(premium, day('2025-10-30'));
    assert.equal(status.kind, 'not_started');
    assert.equal(status.daysLeft, 2);
    assert.match(status.summary, /starts on 2025-11-01/);
  });

  it('is active from issued_at to the day before expires_at, with days left', () => {
    assert.equal(licenseStatus(premium, day('2025-11-01')).kind, 'active');
    const status = licenseStatus(premium, day('2026-11-11'));
    assert.equal(status.kind, 'active');
    assert.equal(status.daysLeft, 1);
    assert.equal(status.summary, 'Active: expires on 2026-11-12 (in 1 day).');
  });

  it('is expired in grace on expires_at itself, until block_changes_at', () => {
    const status = licenseStatus(premium, day('2026-11-12'));
    assert.equal(status.kind, 'expired_in_grace');
    assert.equal(status.expiredDaysAgo, 0);
    assert.equal(status.graceEndsOn, '2026-11-26');
    assert.equal(status.daysLeft, 14);
    assert.match(status.summary, /until 2026-11-26/);
  });

  it('is read-only from block_changes_at on', () => {
    const status = licenseStatus(premium, day('2026-11-28'));
    assert.equal(status.kind, 'read_only');
    assert.equal(status.readOnlySince, '2026-11-26');
    assert.equal(status.expiredDaysAgo, 16);
    assert.equal(
      status.summary,
      'Expired on 2026-11-12 (16 days ago); read-only since 2026-11-26 (2 days ago): the grace period is over.',
    );
    assert.equal(licenseStatus(premium, day('2026-11-26')).kind, 'read_only');
    assert.equal(licenseStatus(premium, day('2026-11-25')).kind, 'expired_in_grace');
  });

  it('prefers block_changes_at over the grace period setting', () => {
    const status = licenseStatus(premium, day('2026-11-20'), 3);
    assert.equal(status.kind, 'expired_in_grace');
    assert.equal(status.graceEndsOn, '2026-11-26');
  });

  it('without block_changes_at, ends grace 14 days after expiry by default, or after the days given', () => {
    assert.equal(licenseStatus(withoutBlock, day('2026-11-25')).kind, 'expired_in_grace');
    const status = licenseStatus(withoutBlock, day('2026-11-26'));
    assert.equal(status.kind, 'read_only');
    assert.equal(status.readOnlySince, '2026-11-26');
    const short = licenseStatus(withoutBlock, day('2026-11-15'), 3);
    assert.equal(short.kind, 'read_only');
    assert.equal(short.readOnlySince, '2026-11-15');
  });

  it('mentions a trial in the summary', () => {
    const trial = JSON.parse(readFixture('expired-trial-100.json')) as LicenseAttributes;
    assert.match(licenseStatus(trial, day('2026-11-14')).summary, /trial/);
  });
});
