/** Request bodies for tests, built from the gem-made fixture licenses. */
import { readFileSync } from 'node:fs';
import { clockOnDay, type Clock } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/gitlab-license/${name}`, import.meta.url), 'utf8');

export const expiredPremiumLicense = fixture('expired-premium-480.gitlab-license');
export const expiredTrialLicense = fixture('expired-trial-100.gitlab-license');

/** The day the fixtures were made for: expired-premium-480's grace ended two days earlier. */
export const fixtureDay = '2026-11-28';

/**
 * Sixteen days before `fixtureDay`: screenshot evidence whose grace period ended two days
 * earlier, so a body is eligible on a service whose clock is `fixtureClock()`.
 */
export const graceEndedOn = '2026-11-12';

/** The service's clock on `fixtureDay`, whatever the date the tests run on. */
export const fixtureClock = (): Clock => clockOnDay(calendarDate(fixtureDay));

let ticketNumber = 1000;

/**
 * An eligible body. Unless the evidence names them, the subscription page's Maximum users are
 * the expired license's 480 seats, or the user count where that is lower, so that GitLab
 * accepts whatever count a test asks for.
 */
export function eligibleBody(overrides: Record<string, unknown> = {}) {
  ticketNumber += 1;
  return withMaximumUsers({
    ticket: {
      id: String(ticketNumber),
      url: `https://support.example.com/agent/tickets/${ticketNumber}`,
    },
    customerEmail: 'jane@acme.example',
    userCount: 500,
    evidence: { licenseFile: expiredPremiumLicense },
    ...overrides,
  });
}

function withMaximumUsers<T extends { userCount?: unknown; evidence?: unknown }>(body: T): T {
  const evidence = body.evidence;
  if (!evidence || typeof evidence !== 'object' || 'maximumUsers' in evidence) return body;
  const count = body.userCount;
  const fits = typeof count === 'number' && Number.isInteger(count) && count >= 1;
  return { ...body, evidence: { ...evidence, maximumUsers: fits ? Math.min(480, count) : 480 } };
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
