import type { CalendarDate } from '../license/calendar-date.js';
import { timeZone } from '../license/gitlab-upload/time-zones.js';

/**
 * When on its day a cover's reminder or lapse is due: at an hour of the licensing team's
 * morning in their time zone, not at midnight UTC (which is the middle of a European night and
 * the previous afternoon in America). The hour is a wall-clock hour, so it stays 09:00 across a
 * change to or from summer time. Pure: Intl knows the zone rules.
 */
export interface ReminderTime {
  /** An IANA zone name (or UTC, or a fixed offset), as `timeZone` reads it. */
  timeZone: string;
  /** 0–23, in that zone. */
  hour: number;
}

export const defaultReminderTime: ReminderTime = Object.freeze({ timeZone: 'UTC', hour: 9 });

/** The instant it is `hour`:00 on `day` in the zone; in a skipped hour, the first one after it. */
export function reminderInstant(day: CalendarDate, time: ReminderTime): number {
  const zone = timeZone(time.timeZone);
  const wall = Date.parse(`${day}T${String(time.hour).padStart(2, '0')}:00:00Z`);
  // The offset at the wanted instant is not known before the instant: guess, then correct once.
  const guess = wall - zone.offsetMs(wall);
  return wall - zone.offsetMs(guess);
}
