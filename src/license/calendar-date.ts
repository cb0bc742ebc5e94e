/**
 * A calendar day, `YYYY-MM-DD`, with no time and no zone: what GitLab licenses and the
 * emergency policy reason in. Arithmetic goes through UTC midnight so that no daylight
 * saving change can move a day.
 */
export type CalendarDate = string & { readonly __calendarDate: unique symbol };

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The day, or undefined when the text is not a real `YYYY-MM-DD` date (2026-02-30 is not). */
export function parseCalendarDate(text: string): CalendarDate | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const [, year, month, day] = match;
  // Not Date.UTC: it reads the years 0–99 as 1900–1999, and called 0001-01-01 no date at all.
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day)
  ) {
    return undefined;
  }
  return text as CalendarDate;
}

export function isCalendarDate(value: unknown): value is CalendarDate {
  return typeof value === 'string' && parseCalendarDate(value) !== undefined;
}

/** Like parseCalendarDate, for values already known to be valid (constants, tests). */
export function calendarDate(text: string): CalendarDate {
  const date = parseCalendarDate(text);
  if (!date) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${text}`);
  return date;
}

function toUtcMs(date: CalendarDate): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function fromUtcMs(ms: number): CalendarDate {
  return new Date(ms).toISOString().slice(0, 10) as CalendarDate;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** Whole days from `from` to `to`: positive when `to` is later. */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

/** The day an instant falls on in UTC (the service's clock day). */
export function calendarDateOf(instant: Date): CalendarDate {
  return fromUtcMs(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}

export function compareCalendarDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
