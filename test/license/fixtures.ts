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
