/** The gem-made license files and test keys in test/fixtures/gitlab-license. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSigningKey, loadVerificationKey } from '../../src/license/index.js';
import type { SigningKey, VerificationKey } from '../../src/license/index.js';

export const fixtureDir = fileURLToPath(new URL('../fixtures/gitlab-license/', import.meta.url));

export function fixturePath(name: string): string {
  return `${fixtureDir}${name}`;
}

export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

export const testPublicKeyPath = fixturePath('test_license_key.pub');
export const testPrivateKeyPath = fixturePath('test_license_key.pem');
export const otherPublicKeyPath = fixturePath('other_license_key.pub');

export function testVerificationKey(): VerificationKey {
  return loadVerificationKey(readFixture('test_license_key.pub'), 'test_license_key.pub');
}

export function otherVerificationKey(): VerificationKey {
  return loadVerificationKey(readFixture('other_license_key.pub'), 'other_license_key.pub');
}

export function testSigningKey(): SigningKey {
  return loadSigningKey(readFixture('test_license_key.pem'));
}

/**
 * The gem's plaintext for the fixture's emergency license, as Lifeline dates it now: the gem's
 * own bytes (emergency-ultimate-250.json) with the dates of `dates` and no block_changes_at,
 * which the gem leaves out when it is not set.
 */
export function gemEmergencyJson(dates: {
  issuedAt: string;
  expiresAt: string;
  notifyAt: string;
}): string {
  return readFixture('emergency-ultimate-250.json')
    .replace('"issued_at":"2026-11-28"', `"issued_at":"${dates.issuedAt}"`)
    .replace('"expires_at":"2026-12-08"', `"expires_at":"${dates.expiresAt}"`)
    .replace('"notify_admins_at":"2026-12-01"', `"notify_admins_at":"${dates.notifyAt}"`)
    .replace('"notify_users_at":"2026-12-01"', `"notify_users_at":"${dates.notifyAt}"`)
    .replace('"block_changes_at":"2026-12-22",', '');
}

/** The emergency request the fixtures were made for, issued at noon UTC on 2026-11-28. */
export const fixtureIssueMoment = new Date('2026-11-28T12:00:00Z');
export const fixtureEmergencyJson = (): string =>
  gemEmergencyJson({ issuedAt: '2026-11-27', expiresAt: '2026-12-10', notifyAt: '2026-12-03' });
