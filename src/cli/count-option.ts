import { fail } from './output.js';

/**
 * A count typed on the command line (users, seats): digits only. `Number()` read "0x10" as 16,
 * "1e3" as 1,000 and an empty value (an unset shell variable) as 0, each of which became a real
 * request or license; such a value is refused before anything is sent.
 */
export function countOption(text: string, option: string): number {
  const trimmed = text.trim();
  if (/^\d{11,}$/.test(trimmed))
    fail(`${option} ${trimmed} is far above any user count a license can hold`);
  if (!/^\d{1,10}$/.test(trimmed))
    fail(`${option} must be a whole number written in digits, such as 250 (got "${text}")`);
  return Number(trimmed);
}
