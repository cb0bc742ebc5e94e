import { getDomain, getDomainWithoutSuffix } from 'tldts';
import type { SubscriptionFacts } from './evidence.js';
import { isKnownMailProvider } from './mail-providers.js';
import type { PolicySettings } from './settings.js';

/**
 * The ways one customer can be recognised across emergencies. Two requests are for the same
 * customer when any key they both have is equal: the registrable domain of the email (absent for
 * public mail providers), the normalised mailbox, the licensee company, or the subscription id.
 */
export interface CustomerKeys {
  /** Trimmed and lowercased, as given. */
  email: string;
  /**
   * The registrable domain (public-suffix list): `eu.acme.example` and `acme.example` are one
   * customer, `x.co.uk` and `y.co.uk` two. Absent for public mail domains and malformed addresses.
   */
  emailDomain?: string;
  /**
   * The mailbox the address delivers to, with what providers ignore dropped: case, a `+tag`, dots
   * at Gmail, and provider aliases (`googlemail.com` is `gmail.com`). What tells apart two people
   * at a public provider, where the domain says nothing.
   */
  mailbox?: string;
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
  const mailbox = normaliseMailbox(email);
  if (mailbox !== undefined) keys.mailbox = mailbox;
  const company = facts?.company === undefined ? undefined : normaliseCompany(facts.company);
  if (company !== undefined) keys.company = company;
  const subscriptionId = facts?.subscriptionId?.trim();
  if (subscriptionId) keys.subscriptionId = subscriptionId;
  return keys;
}

/**
 * The registrable domain of an address (`admin@eu.acme.example` → `acme.example`,
 * `a@shop.x.co.uk` → `x.co.uk`), lowercased; undefined when the address has none. Private
 * suffixes count as suffixes, so two customers on `*.github.io` stay two.
 */
export function emailDomainOf(email: string): string | undefined {
  const host = hostOf(email);
  return host === undefined ? undefined : registrableDomain(host);
}

/** The registrable domain of a host name, or undefined when it has none (`localhost`). */
export function registrableDomain(host: string): string | undefined {
  const name = host.trim().toLowerCase().replace(/\.+$/, '');
  if (!/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(name)) return undefined;
  return getDomain(name, { allowPrivateDomains: true }) ?? undefined;
}

/** The part after the last `@`, lowercased, without a trailing dot. */
function hostOf(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  const host = email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.+$/, '');
  return /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(host) ? host : undefined;
}

/** Domains that deliver to the same mailboxes as another: the alias is read as the main one. */
const mailboxDomainAliases: Readonly<Record<string, string>> = {
  'googlemail.com': 'gmail.com',
  'protonmail.com': 'proton.me',
  'protonmail.ch': 'proton.me',
  'pm.me': 'proton.me',
  'me.com': 'icloud.com',
  'mac.com': 'icloud.com',
};

/** Providers that ignore dots in the local part. */
const dotBlindDomains = new Set(['gmail.com']);

/**
 * The mailbox an address delivers to: `B.o.b+1@GoogleMail.com` → `bob@gmail.com`. Case and a
 * `+tag` are dropped everywhere (every large provider delivers `bob+x@` to `bob@`); dots only
 * where the provider ignores them. Undefined for an address without a local part and a domain.
 */
export function normaliseMailbox(email: string): string | undefined {
  const address = String(email).trim().toLowerCase();
  const at = address.lastIndexOf('@');
  const host = hostOf(address);
  if (at < 1 || host === undefined) return undefined;
  const domain = mailboxDomainAliases[host] ?? host;
  let local = address.slice(0, at);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (dotBlindDomains.has(domain)) local = local.replace(/\./g, '');
  return local === '' ? undefined : `${local}@${domain}`;
}

/**
 * Whether a domain belongs to a mail provider shared by unrelated people. The list names
 * registrable domains (`gmail.com`) or a provider under every suffix (`hotmail.*`, `yahoo.*`);
 * a subdomain of a listed domain (`mail.yahoo.co.jp`) is the provider too. The common providers
 * of mail-providers.ts are always public.
 */
export function isPublicEmailDomain(domain: string, settings: PolicySettings): boolean {
  const wanted = domain.trim().toLowerCase();
  const registrable = registrableDomain(wanted) ?? wanted;
  if (isKnownMailProvider(wanted) || isKnownMailProvider(registrable)) return true;
  const stem = getDomainWithoutSuffix(registrable, { allowPrivateDomains: true }) ?? undefined;
  return settings.publicEmailDomains.some((entry) => {
    const listed = entry.trim().toLowerCase();
    if (listed.endsWith('.*')) return stem !== undefined && listed.slice(0, -2) === stem;
    return listed === wanted || listed === registrable;
  });
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
