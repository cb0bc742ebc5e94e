/**
 * A clock that jumps: it runs with real milliseconds (leases, backoff and polling behave as
 * usual) from wherever it was set, and a test moves it forward days at once instead of sleeping.
 * Days (`today`, `moment`) follow it, so what is dated from it moves too.
 */
import type { Clock } from '../../src/clock.js';
import { calendarDateOf } from '../../src/license/calendar-date.js';

export interface JumpingClock extends Clock {
  /** Moves the clock so that now() is `instant` (never backwards). */
  jumpTo(instant: number): void;
}

export function jumpingClock(): JumpingClock {
  let offset = 0;
  const now = () => Date.now() + offset;
  return {
    now,
    today: () => calendarDateOf(new Date(now())),
    moment: () => new Date(now()),
    jumpTo(instant) {
      offset = Math.max(offset, instant - Date.now());
    },
  };
}
