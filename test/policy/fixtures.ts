/** Shared test material for the policy tests: the gem-made fixture licenses and their key. */
import { readFileSync } from 'node:fs';
import type { CalendarDate, VerificationKey } from '../../src/license/index.js';
import { calendarDate, loadVerificationKey } from '../../src/license/index.js';
import type { SubscriptionFacts } from '../../src/policy/index.js';

const dir = new URL('../fixtures/gitlab-license/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

export const evidenceKey: VerificationKey = loadVerificationKey(
  fixtureText('test_license_key.pub'),
  'test vendor key',
);
export const otherKey: VerificationKey = loadVerificationKey(fixtureText('other_license_key.pub'));

export const premium480 = fixtureText('expired-premium-480.gitlab-license');
export const trial100 = fixtureText('expired-trial-100.gitlab-license');

export function day(text: string): CalendarDate {
  return calendarDate(text);
}

/** The facts of expired-premium-480, as screenshots would give them (no block_changes_at). */
export function premiumFacts(overrides: Partial<SubscriptionFacts> = {}): SubscriptionFacts {
  return {
    source: 'license_file',
    plan: 'premium',
    trial: false,
    expiresOn: day('2026-11-12'),
    blockChangesOn: day('2026-11-26'),
    licensedUsers: 480,
    company: 'Acme Industries',
    subscriptionId: '2c92a0ff7e1a0001',
    ...overrides,
  };
}
