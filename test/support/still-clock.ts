import type { Clock } from '../../src/clock.js';
import { calendarDateOf } from '../../src/license/calendar-date.js';

/** A clock that stands still until the test moves it: time-dependent work without sleeping. */
export interface StillClock extends Clock {
  set(at: number | string): void;
  advance(ms: number): void;
}

export function stillClock(start: number | string): StillClock {
  let now = typeof start === 'string' ? Date.parse(start) : start;
  return {
    now: () => now,
    today: () => calendarDateOf(new Date(now)),
    moment: () => new Date(now),
    set(at) {
      now = typeof at === 'string' ? Date.parse(at) : at;
    },
    advance(ms) {
      now += ms;
    },
  };
}
