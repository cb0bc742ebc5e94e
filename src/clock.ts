import { calendarDateOf, type CalendarDate } from './license/calendar-date.js';

/** Time as the service sees it; tests and benchmarks hand in their own. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Today's calendar day (UTC): the day policy decisions and licenses are dated. */
  today(): CalendarDate;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  today: () => calendarDateOf(new Date()),
};

/** A clock whose day is fixed (for `--today` and tests) while milliseconds still pass. */
export function clockOnDay(day: CalendarDate): Clock {
  return { now: () => Date.now(), today: () => day };
}
