import { calendarDateOf, type CalendarDate } from './license/calendar-date.js';

const DAY_MS = 86_400_000;

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
 * moment is the real time of day on that day.
 */
export function clockOnDay(day: CalendarDate): Clock {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  return {
    now: () => Date.now(),
    today: () => day,
    moment: () => new Date(midnight + (Date.now() % DAY_MS)),
  };
}
