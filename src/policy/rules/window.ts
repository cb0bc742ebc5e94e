import type { CalendarDate } from '../../license/calendar-date.js';
import { addDays, daysBetween } from '../../license/calendar-date.js';
import type { SubscriptionFacts } from '../evidence.js';
import type { RuleOutcome } from '../rule-outcome.js';
import { notChecked } from '../rule-outcome.js';
import type { PolicySettings } from '../settings.js';
import { days } from '../wording.js';

/*
 * Window: an emergency license is for a customer whose instance has just turned read-only.
 *
 * The grace period ends on the license's `block_changes_at` when it has one, else on
 * expiry + gracePeriodDays (screenshots never show block_changes_at). The instance is read-only
 * FROM that day, so that day is G, the window's start. With today T:
 *   T < G                      → GRACE_STILL_RUNNING: still usable until G − 1; a regular renewal.
 *   0 ≤ T − G ≤ windowDays     → IN_WINDOW.
 *   T − G > windowDays         → WINDOW_PASSED: escalate.
 * With windowCountsFrom 'expiry', G is the expiry date instead (a later revision of the process).
 *
 * Example, the fixture expired-premium-480 (expires 2026-11-12, block_changes_at 2026-11-26),
 * window 3 days: on 2026-11-25 still in grace (until 2026-11-25, read-only from 2026-11-26); on
 * 2026-11-26 … 2026-11-29 in the window (0 … 3 days); on 2026-11-30 too late (4 days ago), and on
 * 2026-12-01 (5 days ago) as well.
 */

/** The first read-only day: `block_changes_at`, or expiry + the grace period. */
export function graceEndsOn(facts: SubscriptionFacts, settings: PolicySettings): CalendarDate {
  return facts.blockChangesOn ?? addDays(facts.expiresOn, settings.gracePeriodDays);
}

/** The day the emergency window starts, per windowCountsFrom. */
export function windowStartsOn(facts: SubscriptionFacts, settings: PolicySettings): CalendarDate {
  return settings.windowCountsFrom === 'expiry' ? facts.expiresOn : graceEndsOn(facts, settings);
}

export function checkWindow(
  facts: SubscriptionFacts | undefined,
  today: CalendarDate,
  settings: PolicySettings,
): RuleOutcome {
  if (facts === undefined) {
    return notChecked('window', 'the expiry date is unknown until the evidence can be read');
  }
  const fromExpiry = settings.windowCountsFrom === 'expiry';
  const graceEnd = graceEndsOn(facts, settings);
  const start = windowStartsOn(facts, settings);
  const elapsed = daysBetween(start, today);
  const window = `the ${settings.emergencyWindowDays}-day emergency window`;
  // Screenshots show no read-only date: say where the date came from, so it can be checked.
  const derived =
    facts.blockChangesOn === undefined
      ? `, expiry + ${days(settings.gracePeriodDays)} of grace`
      : '';

  if (elapsed < 0) {
    const notYetExpired = daysBetween(facts.expiresOn, today) < 0;
    const message = notYetExpired
      ? `The license has not expired yet: it expires on ${facts.expiresOn}${fromExpiry ? '' : ` and then stays usable in grace until ${addDays(graceEnd, -1)} (read-only from ${graceEnd}${derived})`}. This is a regular renewal ticket, not an emergency.`
      : `Still in grace until ${addDays(graceEnd, -1)} (read-only from ${graceEnd}${derived}): a regular renewal ticket, not an emergency.`;
    return { rule: 'window', passed: false, code: 'GRACE_STILL_RUNNING', message };
  }

  const since = fromExpiry
    ? `The license expired ${ago(elapsed)} (on ${start})`
    : `The grace period ended ${ago(elapsed)} (read-only since ${start}${derived})`;
  if (elapsed <= settings.emergencyWindowDays) {
    return {
      rule: 'window',
      passed: true,
      code: 'IN_WINDOW',
      message: `${since}: within ${window}.`,
    };
  }
  return {
    rule: 'window',
    passed: false,
    code: 'WINDOW_PASSED',
    message: `${since}: outside ${window}. Escalate to ${settings.escalationContact}.`,
  };
}

function ago(elapsed: number): string {
  return elapsed === 0 ? 'today' : `${days(elapsed)} ago`;
}
