/**
 * An instant as people read it in the CLI, notices and messages: `2026-12-03 19:30:14 UTC`,
 * always UTC and saying so, whatever zone the reader or the server is in.
 */
export function utcSecond(at: string | number): string {
  return `${isoOf(at).slice(0, 19).replace('T', ' ')} UTC`;
}

/** The same to the minute: `2026-12-03 19:30 UTC`. */
export function utcMinute(at: string | number): string {
  return `${isoOf(at).slice(0, 16).replace('T', ' ')} UTC`;
}

function isoOf(at: string | number): string {
  return typeof at === 'number' ? new Date(at).toISOString() : at;
}
