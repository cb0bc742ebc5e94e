/** `--at` options: an ISO 8601 instant with its zone, so that no reader has to guess it. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i;

export function parseInstant(text: string, option: string): Date | { message: string } {
  const trimmed = text.trim();
  const ms = INSTANT.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(ms)) {
    return {
      message: `${option} must be an instant with its zone, like 2026-12-05T18:00:00Z or 2026-12-05T10:00-08:00 (got "${text}").`,
    };
  }
  return new Date(ms);
}
