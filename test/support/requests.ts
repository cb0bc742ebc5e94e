/** Request bodies for tests, built from the gem-made fixture licenses. */
import { readFileSync } from 'node:fs';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/gitlab-license/${name}`, import.meta.url), 'utf8');

export const expiredPremiumLicense = fixture('expired-premium-480.gitlab-license');
export const expiredTrialLicense = fixture('expired-trial-100.gitlab-license');

/** The day the fixtures were made for: expired-premium-480's grace ended two days earlier. */
export const fixtureDay = '2026-11-28';

let ticketNumber = 1000;

export function eligibleBody(overrides: Record<string, unknown> = {}) {
  ticketNumber += 1;
  return {
    ticket: {
      id: String(ticketNumber),
      url: `https://support.example.com/agent/tickets/${ticketNumber}`,
    },
    customerEmail: 'jane@acme.example',
    userCount: 500,
    evidence: { licenseFile: expiredPremiumLicense },
    ...overrides,
  };
}

export function screenshotBody(
  evidence: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
) {
  return eligibleBody({
    evidence: {
      plan: 'premium',
      expiredOn: '2026-11-12',
      licensedUsers: 480,
      screenshotsAttached: true,
      ...evidence,
    },
    ...overrides,
  });
}
