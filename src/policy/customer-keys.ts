import type { SubscriptionFacts } from './evidence.js';
import type { PolicySettings } from './settings.js';

/**
 * The ways one customer can be recognised across emergencies. Two requests are for the same
 * customer when any key they both have is equal: an email domain (absent for public mail
 * providers, where only the exact email counts), the licensee company, or the subscription id.
 */
export interface CustomerKeys {
  /** Trimmed and lowercased. */
  email: string;
  /** Absent for public mail domains (gmail.com …) and malformed addresses. */
  emailDomain?: string;
  /** Normalised with normaliseCompany. */
  company?: string;
  subscriptionId?: string;
}

export function customerKeys(
  customerEmail: string,
  facts: SubscriptionFacts | undefined,
  settings: PolicySettings,
): CustomerKeys {
  const email = String(customerEmail).trim().toLowerCase();
  const keys: CustomerKeys = { email };
  const domain = emailDomainOf(email);
  if (domain !== undefined && !isPublicEmailDomain(domain, settings)) keys.emailDomain = domain;
  const company = facts?.company === undefined ? undefined : normaliseCompany(facts.company);
  if (company !== undefined) keys.company = company;
  const subscriptionId = facts?.subscriptionId?.trim();
  if (subscriptionId) keys.subscriptionId = subscriptionId;
  return keys;
}

/** The part after the last `@`, lowercased, without a trailing dot; undefined when there is none. */
export function emailDomainOf(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.+$/, '');
  return /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(domain) ? domain : undefined;
}

export function isPublicEmailDomain(domain: string, settings: PolicySettings): boolean {
  const wanted = domain.toLowerCase();
  return settings.publicEmailDomains.some((listed) => listed.trim().toLowerCase() === wanted);
}

/** Words that say what kind of company it is, not which one: "Acme Inc." is "Acme Ltd". */
const legalForms = new Set([
  'ab',
  'ag',
  'aps',
  'as',
  'asa',
  'bv',
  'co',
  'company',
  'corp',
  'corporation',
  'gmbh',
  'inc',
  'incorporated',
  'kg',
  'kk',
  'limited',
  'llc',
  'llp',
  'lp',
  'ltd',
  'nv',
  'oy',
  'oyj',
  'plc',
  'pte',
  'pty',
  'pvt',
  'sa',
  'sarl',
  'sas',
  'se',
  'sl',
  'spa',
  'srl',
]);

/**
 * Placeholders that many unrelated licenses carry, so they must never make two customers one:
 * "N/A", "none", and the generic licensee of the temporary licenses themselves.
 */
const placeholderCompanies = new Set([
  'emergency license',
  'na',
  'none',
  'null',
  'personal',
  'private',
  'test',
  'unknown',
]);

/**
 * A company name reduced to what identifies it: accents, case, punctuation and legal forms
 * dropped, `&` read as "and". "Acme Industries, Inc." and "ACME Industries" both give
 * "acme industries". Undefined when nothing identifying is left.
 */
export function normaliseCompany(name: string): string | undefined {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  const merged = mergeInitials(words);
  if (merged[0] === 'the' && merged.length > 1) merged.shift();
  // "GmbH & Co. KG" ends in several legal words joined by "and".
  while (merged.length > 1 && isLegalWord(merged[merged.length - 1] ?? '')) merged.pop();
  const company = merged.join(' ');
  return company === '' || placeholderCompanies.has(company) ? undefined : company;
}

function isLegalWord(word: string): boolean {
  return legalForms.has(word) || word === 'and';
}

/** "S.A." and "B.V." arrive as single letters once punctuation is gone: join them back. */
function mergeInitials(words: string[]): string[] {
  const merged: string[] = [];
  let initials = '';
  for (const word of words) {
    if ([...word].length === 1) {
      initials += word;
      continue;
    }
    if (initials !== '') merged.push(initials);
    initials = '';
    merged.push(word);
  }
  if (initials !== '') merged.push(initials);
  return merged;
}
