import { parseCalendarDate } from '../license/calendar-date.js';

/** `--at` options: an ISO 8601 instant with its zone, so that no reader has to guess it. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i;

export function parseInstant(text: string, option: string): Date | { message: string } {
  const trimmed = text.trim();
  // Date.parse rolls 2026-02-30 over into March: the day must be a real one.
  const real = INSTANT.test(trimmed) && parseCalendarDate(trimmed.slice(0, 10)) !== undefined;
  const ms = real ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(ms)) {
    return {
      message: `${option} must be an instant with its zone, like 2026-12-05T18:00:00Z or 2026-12-05T10:00-08:00 (got "${text}").`,
    };
  }
  return new Date(ms);
}
