/**
 * Dates and numbers written out in US English for the license email, without `Intl`.
 * The first `Intl` formatter a process builds maps ICU's locale data into memory (about 8 MB
 * of resident pages, measured on Node 20); the service needs two fixed formats, so it writes
 * them itself. `test/adapters/mail/english-format.test.ts` checks them against `Intl`.
 */
import type { CalendarDate } from '../../license/calendar-date.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `Tuesday, December 8, 2026`, read in UTC so that the server's zone cannot shift the day. */
export function longDate(date: CalendarDate): string {
  const day = new Date(`${date}T00:00:00Z`);
  return `${WEEKDAYS[day.getUTCDay()]}, ${MONTHS[day.getUTCMonth()]} ${day.getUTCDate()}, ${day.getUTCFullYear()}`;
}

/** `1,250`: a whole number with thousands separators. */
export function wholeNumber(value: number): string {
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.trunc(Math.abs(value))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
