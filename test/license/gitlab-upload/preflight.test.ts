import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildEmergencyLicense,
  defaultEmergencyLicenseSettings,
  EXPIRED_LICENSE_MESSAGE,
  INVALID_LICENSE_MESSAGE,
  preflightLicenseText,
  preflightUpload,
  timeZone,
  TimeZoneError,
  encodeLicense,
} from '../../../src/license/index.js';
import type { LicenseAttributes } from '../../../src/license/index.js';
import {
  otherVerificationKey,
  readFixture,
  testSigningKey,
  testVerificationKey,
} from '../fixtures.js';

const HOUR = 3_600_000;
const utc = timeZone('UTC');
const seats = { maximumUsers: 250 };
const settings = defaultEmergencyLicenseSettings;

function offsetName(hours: number): string {
  return `UTC${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:00`;
}

const offsets = Array.from({ length: 27 }, (_, index) => index - 12);

function emergencyAt(atMs: number, durationDays = settings.durationDays): LicenseAttributes {
  return buildEmergencyLicense(
    { customerEmail: 'admin@customer.example', userCount: 250, at: new Date(atMs) },
    { ...settings, durationDays },
  );
}

describe('preflightUpload: the emergency license in every zone', () => {
  it('is active at once and lasts at least the full days, for every zone offset at 00:05 and 23:55 UTC', () => {
    for (const time of ['00:05', '23:55']) {
      const atMs = Date.parse(`2026-11-28T${time}:00Z`);
      const license = emergencyAt(atMs);
      for (const gitlab of offsets) {
        for (const server of offsets) {
          const result = preflightUpload({
            license,
            seats,
            atMs,
            gitlabTimeZone: timeZone(offsetName(gitlab)),
            serverTimeZone: timeZone(offsetName(server)),
          });
          const where = `${time} UTC, GitLab ${offsetName(gitlab)}, server ${offsetName(server)}`;
          assert.equal(result.accepted, true, where);
          assert.equal(result.activeFrom, new Date(atMs).toISOString(), `active at once: ${where}`);
          assert.ok(result.validHours >= 240, `${result.validHours} h ≥ 240 h: ${where}`);
        }
      }
    }
  });

  it('keeps that promise at every minute of a day, for every duration, and says how long it lasts', (t) => {
    let shortest = Number.POSITIVE_INFINITY;
    let longest = 0;
    for (const durationDays of [1, 3, 10, 30]) {
      for (let minute = 0; minute < 24 * 60; minute += 7) {
        const atMs = Date.parse('2026-12-31T00:00:00Z') + minute * 60_000;
        const license = emergencyAt(atMs, durationDays);
        for (const gitlab of [-12, 14]) {
          for (const server of offsets) {
            const result = preflightUpload({
              license,
              seats,
              atMs,
              gitlabTimeZone: timeZone(offsetName(gitlab)),
              serverTimeZone: timeZone(offsetName(server)),
            });
            assert.equal(result.activeFrom, new Date(atMs).toISOString());
            assert.ok(
              result.validHours >= durationDays * 24,
              `${durationDays} days at minute ${minute}`,
            );
            if (durationDays === 10) {
              shortest = Math.min(shortest, result.validHours);
              longest = Math.max(longest, result.validHours);
            }
          }
        }
      }
    }
    t.diagnostic(`10-day license: valid ${shortest} h at the least, ${longest} h at the most`);
    assert.ok(shortest >= 241, 'at least the hour of margin for clocks');
    assert.ok(longest <= 240 + 24 + 26 + 2, 'never more than a day and the zones’ span beyond');
  });

  it('holds in named zones with half-hour offsets and daylight saving', () => {
    const zones = [
      'America/Los_Angeles',
      'Pacific/Kiritimati',
      'Etc/GMT+12',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'America/St_Johns',
      'Europe/Berlin',
    ];
    for (const at of ['2026-03-08T10:30:00Z', '2026-11-01T08:59:00Z', '2026-06-30T23:59:00Z']) {
      const atMs = Date.parse(at);
      const license = emergencyAt(atMs);
      for (const gitlab of zones) {
        for (const server of zones) {
          const result = preflightUpload({
            license,
            seats,
            atMs,
            gitlabTimeZone: timeZone(gitlab),
            serverTimeZone: timeZone(server),
          });
          assert.equal(result.activeFrom, new Date(atMs).toISOString(), `${at} ${gitlab}`);
          assert.ok(result.validHours >= 240, `${at} ${gitlab}/${server}: ${result.validHours}`);
        }
      }
    }
  });

  it('shows the old mistake: a license dated today in UTC waits for midnight west of UTC', () => {
    const atMs = Date.parse('2026-11-28T03:00:00Z');
    const license = { ...emergencyAt(atMs), issued_at: '2026-11-28' } as LicenseAttributes;
    const result = preflightUpload({
      license,
      seats,
      atMs,
      gitlabTimeZone: timeZone('America/Los_Angeles'),
      serverTimeZone: utc,
    });
    // GitLab accepts it (no refusal for a future start), but it is active only at 08:00 UTC.
    assert.equal(result.accepted, true);
    assert.equal(result.activeFrom, '2026-11-28T08:00:00.000Z');
  });
});

describe('preflightUpload: refusals in GitLab’s words', () => {
  it('refuses too few seats for the maximum users', () => {
    const license = emergencyAt(Date.parse('2026-11-28T12:00:00Z'));
    const result = preflightUpload({
      license,
      seats: { maximumUsers: 300 },
      atMs: Date.parse('2026-11-28T12:00:00Z'),
      gitlabTimeZone: utc,
      serverTimeZone: utc,
    });
    assert.equal(result.accepted, false);
    assert.match(
      result.message ?? '',
      /^During the year before this license started, this GitLab installation had 300 active users, exceeding this license's limit of 250 by 50 users\./,
    );
    assert.equal(result.validHours, 0);
  });

  it('refuses an expired license by the server’s date, not UTC’s', () => {
    const license = JSON.parse(readFixture('expired-premium-480.json')) as LicenseAttributes;
    const eve = Date.parse('2026-11-11T20:00:00Z');
    const base = { license, seats: { maximumUsers: 400 }, atMs: eve, gitlabTimeZone: utc };
    assert.equal(preflightUpload({ ...base, serverTimeZone: utc }).accepted, true);
    const tokyo = preflightUpload({ ...base, serverTimeZone: timeZone('Asia/Tokyo') });
    assert.equal(tokyo.accepted, false);
    assert.equal(tokyo.message, EXPIRED_LICENSE_MESSAGE);
  });

  it('refuses a file its key cannot open, and skips the seat check for an unlimited license', () => {
    const text = readFixture('expired-premium-480.gitlab-license');
    const input = {
      seats,
      atMs: Date.parse('2026-01-01T00:00:00Z'),
      gitlabTimeZone: utc,
      serverTimeZone: utc,
    };
    assert.deepEqual(preflightLicenseText(text, [otherVerificationKey()], input), {
      accepted: false,
      message: INVALID_LICENSE_MESSAGE,
      activeFrom: null,
      expiresAt: null,
      validHours: 0,
    });
    assert.equal(preflightLicenseText(text, [testVerificationKey()], input).accepted, true);
    const unlimited = JSON.parse(readFixture('unicode-unrestricted.json')) as LicenseAttributes;
    const encoded = encodeLicense(unlimited, testSigningKey());
    const result = preflightLicenseText(encoded, [testVerificationKey()], {
      ...input,
      seats: { maximumUsers: 1_000_000 },
    });
    assert.equal(result.accepted, true);
  });
});

describe('timeZone', () => {
  it('reads IANA names and fixed offsets, and refuses anything else with a sentence', () => {
    assert.equal(timeZone('UTC').offsetMs(0), 0);
    assert.equal(timeZone('UTC-12').offsetMs(0), -12 * HOUR);
    assert.equal(timeZone('+05:30').offsetMs(0), 5.5 * HOUR);
    assert.equal(
      timeZone('Asia/Kathmandu').offsetMs(Date.parse('2026-01-01T00:00:00Z')),
      5.75 * HOUR,
    );
    assert.throws(() => timeZone('Mars/Olympus_Mons'), TimeZoneError);
    assert.throws(() => timeZone('UTC+15'), /outside UTC−12 … UTC\+14/);
  });
});
