import { calendarDateOf, type CalendarDate } from './license/calendar-date.js';

const HALF_DAY_MS = 43_200_000;

/** Time as the service sees it; tests and benchmarks hand in their own. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Today's calendar day (UTC): the day policy decisions are dated. */
  today(): CalendarDate;
  /** This moment on today()'s day: what a license's dates are computed from. */
  moment(): Date;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  today: () => calendarDateOf(new Date()),
  moment: () => new Date(),
};

/**
 * A clock whose day is fixed (for `--today` and tests) while milliseconds still pass: its
 * moment starts at noon UTC on that day, so what is dated from it never depends on the hour
 * the clock was made at.
 */
export function clockOnDay(day: CalendarDate): Clock {
  const noon = Date.parse(`${day}T12:00:00Z`);
  const madeAt = Date.now();
  return {
    now: () => Date.now(),
    today: () => day,
    moment: () => new Date(noon + Math.min(Date.now() - madeAt, HALF_DAY_MS)),
  };
}
