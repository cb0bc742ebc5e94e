import { isIP } from 'node:net';

/** proxy-addr's names for address ranges, which fastify's trustProxy takes as they are. */
const namedRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * LIFELINE_TRUST_PROXY: the proxies whose X-Forwarded-For header names the caller's address
 * (recorded in the audit log and sessions, and what the sign-in throttle counts by). Believing
 * it from anyone let any caller write the address of their choice there, spread their failed
 * sign-ins over made-up addresses, or lock out someone else's. Only a proxy in the list is
 * believed; a caller's own header is read past as far as the first address not in it.
 *
 * Returns the list for fastify (false for `off`), or a sentence saying what is wrong.
 */
export function parseTrustedProxies(value: string): false | string[] | string {
  const trimmed = value.trim();
  if (trimmed === 'off') return false;
  const entries = trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0)
    return 'LIFELINE_TRUST_PROXY must be off, loopback, or proxy addresses and CIDR ranges separated by commas';
  for (const entry of entries) {
    if (!namedRanges.has(entry) && !isAddressOrRange(entry))
      return `LIFELINE_TRUST_PROXY: "${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`;
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
