/**
 * Calendar days on the two clocks GitLab reads: its configured time zone (has a license
 * started?) and the server's OS zone (has it expired?). Zones are IANA names, or fixed offsets
 * written `UTC`, `UTC+5`, `UTC-03:30`, `+05:30`. Pure: Intl knows the zone rules, nothing is read.
 */
import type { CalendarDate } from '../calendar-date.js';
import { calendarDateOf } from '../calendar-date.js';

/** GitLab's time zones span UTC−12 to UTC+14. */
export const WESTMOST_OFFSET_MS = -12 * 3_600_000;
export const EASTMOST_OFFSET_MS = 14 * 3_600_000;

const HOUR_MS = 3_600_000;
const FIXED = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const formatters = new Map<string, Intl.DateTimeFormat>();

export class TimeZoneError extends RangeError {
  override readonly name = 'TimeZoneError';
}

/** A zone that can be asked for its offset at any instant. */
export interface TimeZone {
  name: string;
  offsetMs(instantMs: number): number;
}

/** The zone, or a TimeZoneError naming what is accepted. */
export function timeZone(name: string): TimeZone {
  const trimmed = name.trim();
  if (/^(UTC|GMT|Z)$/i.test(trimmed)) return { name: 'UTC', offsetMs: () => 0 };
  const fixed = FIXED.exec(trimmed);
  if (fixed) {
    const [, sign, hours, minutes] = fixed;
    const offset = (Number(hours) * 60 + Number(minutes ?? 0)) * 60_000 * (sign === '-' ? -1 : 1);
    if (offset < WESTMOST_OFFSET_MS || offset > EASTMOST_OFFSET_MS || Number(minutes ?? 0) > 59) {
      throw new TimeZoneError(`The offset ${trimmed} is outside UTC−12 … UTC+14.`);
    }
    return { name: trimmed, offsetMs: () => offset };
  }
  const format = formatterFor(trimmed);
  return { name: format.resolvedOptions().timeZone, offsetMs: (at) => ianaOffset(format, at) };
}

function formatterFor(name: string): Intl.DateTimeFormat {
  let format = formatters.get(name);
  if (format) return format;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    throw new TimeZoneError(
      `${JSON.stringify(name)} is not a time zone: give an IANA name such as America/Los_Angeles or Europe/Berlin, UTC, or an offset such as UTC-05:00.`,
    );
  }
  formatters.set(name, format);
  return format;
}

function ianaOffset(format: Intl.DateTimeFormat, at: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(at))) parts[part.type] = Number(part.value);
  const local = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return local - Math.floor(at / 1000) * 1000;
}

/** The day it is in `zone` at the instant. */
export function dayIn(zone: TimeZone, instantMs: number): CalendarDate {
  return calendarDateOf(new Date(instantMs + zone.offsetMs(instantMs)));
}

/** The first instant of `day` in `zone` (after a gap, the first instant that exists). */
export function startOfDayIn(zone: TimeZone, day: CalendarDate): number {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  let at = midnightUtc - zone.offsetMs(midnightUtc);
  at = midnightUtc - zone.offsetMs(at);
  // A zone whose clocks skip midnight (a DST change at 00:00) starts that day an hour later.
  while (dayIn(zone, at) < day) at += HOUR_MS;
  while (dayIn(zone, at - HOUR_MS) === day) at -= HOUR_MS;
  return at;
}
