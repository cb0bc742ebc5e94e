/**
 * What GitLab does with an installed license over its life, day by day, in sentences: when it
 * starts, when its features stop, when the instance turns read-only, what shows as a banner.
 * The one source of every date Lifeline tells people about a license (email, inspector,
 * console, sidebar, tracker issue, notice). Pure.
 */
import type { LicenseAttributes } from '../attributes.js';
import type { CalendarDate } from '../calendar-date.js';
import { addDays, compareCalendarDates } from '../calendar-date.js';

export const GITLAB_GRACE_PERIOD_DAYS = 14;
/** GitLab warns a trial's users this many days before it expires (it ignores notify_*_at). */
const TRIAL_BANNER_DAYS = 7;

export interface LicenseLifeEvent {
  /** The day it happens: `starts` in GitLab's time zone, every other on the server's clock. */
  on: CalendarDate;
  kind: 'starts' | 'banner' | 'features_stop' | 'read_only';
  says: string;
}

/** The dates of a license as a person needs them. */
export interface LicensePeriod {
  /** issued_at: active from this day (GitLab's time zone). */
  startsOn: CalendarDate;
  /** expires_at − 1: the last full day it works. */
  lastFullDay: CalendarDate;
  /** expires_at: expired from 00:00 on this day, server time. */
  expiresOn: CalendarDate;
  /** The first read-only day, if the license ever makes the instance read-only. */
  readOnlyFrom?: CalendarDate;
}

export function licensePeriod(license: LicenseAttributes): LicensePeriod {
  const period: LicensePeriod = {
    startsOn: license.issued_at,
    lastFullDay: addDays(license.expires_at, -1),
    expiresOn: license.expires_at,
  };
  const readOnly = readOnlyFrom(license);
  if (readOnly !== undefined) period.readOnlyFrom = readOnly;
  return period;
}

/**
 * GitLab's trials carry no block_changes_at and never make the instance read-only; a paid
 * license without one turns read-only after GitLab's 14-day grace.
 */
function readOnlyFrom(license: LicenseAttributes): CalendarDate | undefined {
  if (license.block_changes_at !== undefined) return license.block_changes_at;
  if (license.restrictions?.trial === true) return undefined;
  return addDays(license.expires_at, GITLAB_GRACE_PERIOD_DAYS);
}

/** "works through 2026-12-09 (it expires at 00:00 on 2026-12-10, server time)". */
export function validThrough(period: Pick<LicensePeriod, 'lastFullDay' | 'expiresOn'>): string {
  return `works through ${period.lastFullDay} (it expires at 00:00 on ${period.expiresOn}, server time)`;
}

/** What happens when a trial without a read-only date ends: the state an email promises. */
export const AFTER_TRIAL_ENDS =
  'the instance keeps running and stays writable at the Free tier, without a banner: paid features (Premium and Ultimate) are off until the renewed license is added';

export function licenseLife(license: LicenseAttributes): LicenseLifeEvent[] {
  const restrictions = license.restrictions ?? {};
  const plan = restrictions.plan ?? 'starter';
  const tier = plan.charAt(0).toUpperCase() + plan.slice(1);
  const trial = restrictions.trial === true;
  const period = licensePeriod(license);
  const events: LicenseLifeEvent[] = [
    {
      on: period.startsOn,
      kind: 'starts',
      says: `Active from ${period.startsOn} in GitLab's time zone (at once if uploaded later): ${tier}${trial ? ' trial' : ''} features, and any read-only block of an older license is lifted.`,
    },
  ];
  if (trial && period.readOnlyFrom !== undefined) {
    const bannerOn = maxDate(period.startsOn, addDays(period.expiresOn, -TRIAL_BANNER_DAYS));
    events.push({
      on: bannerOn,
      kind: 'banner',
      says: `Every signed-in user sees a red banner naming ${period.readOnlyFrom} as the day features and write access end (wrong for a trial: its features end on ${period.expiresOn}).`,
    });
  }
  events.push({
    on: period.expiresOn,
    kind: 'features_stop',
    says: trial
      ? `Expired from 00:00 server time, with no grace period: ${period.readOnlyFrom === undefined ? AFTER_TRIAL_ENDS : 'paid features stop'}.`
      : `Expired from 00:00 server time: paid features keep working in the grace period until ${addDays(period.readOnlyFrom ?? period.expiresOn, -1)}.`,
  });
  if (period.readOnlyFrom !== undefined) {
    events.push({
      on: period.readOnlyFrom,
      kind: 'read_only',
      says: 'The instance turns read-only: pushes and new issues are blocked until a newer license is added.',
    });
  }
  return events;
}

function maxDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareCalendarDates(a, b) >= 0 ? a : b;
}
