/**
 * Checks the plaintext of a license attribute by attribute. The format has no MAC, so a
 * damaged file can still decrypt to something: the types are what tell a real license from
 * noise, and GitLab itself fails with unhelpful errors on a wrong type (a string version, a
 * float seat count). Unknown keys are ignored here; the caller keeps them in the raw JSON.
 */
import type { LicenseAttributes, LicensePlan, LicenseRestrictions } from './attributes.js';
import type { CalendarDate } from './calendar-date.js';
import { isCalendarDate } from './calendar-date.js';
import type { LicenseDecodeError } from './decode-error.js';
import { decodeError } from './decode-error.js';

export type AttributesReadResult =
  { ok: true; license: LicenseAttributes } | { ok: false; error: LicenseDecodeError };

const PLANS: readonly LicensePlan[] = ['starter', 'premium', 'ultimate'];
const OPTIONAL_DATES = ['notify_admins_at', 'notify_users_at', 'block_changes_at'] as const;
const CLOUD_DATETIMES = ['next_sync_at', 'last_synced_at', 'activated_at'] as const;
const FLAGS = [
  'cloud_licensing_enabled',
  'offline_cloud_licensing_enabled',
  'auto_renew_enabled',
  'seat_reconciliation_enabled',
  'operational_metrics_enabled',
  'generated_from_customers_dot',
  'generated_from_cancellation',
] as const;
const RESTRICTION_COUNTS = ['active_user_count', 'previous_user_count', 'trueup_quantity'] as const;
const RESTRICTION_DATES = ['trueup_from', 'trueup_to'] as const;

const DAMAGED =
  'The file is damaged or was not made by GitLab; ask the customer for the original .gitlab-license file.';

/** Signals a wrong attribute from deep inside the checks; never leaves this module. */
class AttributeProblem extends Error {
  constructor(readonly error: LicenseDecodeError) {
    super(error.message);
  }
}

export function readLicenseAttributes(raw: unknown): AttributesReadResult {
  try {
    return { ok: true, license: readAttributes(raw) };
  } catch (error) {
    if (error instanceof AttributeProblem) return { ok: false, error: error.error };
    throw error;
  }
}

function readAttributes(raw: unknown): LicenseAttributes {
  if (!isPlainObject(raw)) {
    throw problem('CORRUPTED', `The license content is not a JSON object. ${DAMAGED}`);
  }
  readVersion(raw);
  const licensee = readLicensee(raw);
  const issuedAt = readRequiredDate(raw, 'issued_at');
  const expiresAt = readRequiredDate(raw, 'expires_at');
  const license: LicenseAttributes = {
    version: 1,
    licensee,
    issued_at: issuedAt,
    expires_at: expiresAt,
    cloud_licensing_enabled: false,
    offline_cloud_licensing_enabled: false,
    auto_renew_enabled: false,
    seat_reconciliation_enabled: false,
    operational_metrics_enabled: false,
    generated_from_customers_dot: false,
    generated_from_cancellation: false,
  };
  for (const name of OPTIONAL_DATES) {
    const value = raw[name];
    if (value !== undefined && value !== null) license[name] = readDate(value, name);
  }
  for (const name of CLOUD_DATETIMES) {
    const value = raw[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value.length === 0)
      throw invalid(name, value, 'a date and time');
    license[name] = value;
  }
  // gem 1.x did not write the flags; a missing flag means false, as in the gem.
  for (const name of FLAGS) {
    const value = raw[name];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw invalid(name, value, 'true or false');
    license[name] = value;
  }
  if (license.offline_cloud_licensing_enabled && !license.cloud_licensing_enabled) {
    throw problem(
      'INVALID_ATTRIBUTE',
      `The license has offline_cloud_licensing_enabled without cloud_licensing_enabled, which GitLab refuses. ${DAMAGED}`,
    );
  }
  const restrictions = raw.restrictions;
  if (restrictions !== undefined && restrictions !== null) {
    license.restrictions = readRestrictions(restrictions);
  }
  return license;
}

function readVersion(raw: Record<string, unknown>): void {
  const version = raw.version;
  if (version === 1) return;
  const what = version === undefined ? 'has no version' : `has version ${describe(version)}`;
  throw problem(
    'UNSUPPORTED_VERSION',
    `The license ${what}; GitLab and Lifeline only read version 1. ${DAMAGED}`,
  );
}

function readLicensee(raw: Record<string, unknown>): Record<string, string> {
  const licensee = raw.licensee;
  if (licensee === undefined || licensee === null) {
    throw problem('FIELD_MISSING', `The license has no licensee. ${DAMAGED}`);
  }
  if (!isPlainObject(licensee)) throw invalid('licensee', licensee, 'an object of texts');
  const entries = Object.entries(licensee);
  if (entries.length === 0) throw invalid('licensee', licensee, 'a non-empty object of texts');
  const result: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw invalid(`licensee.${key}`, value, 'a text');
    setOwn(result, key, value);
  }
  return result;
}

function readRequiredDate(
  raw: Record<string, unknown>,
  name: 'issued_at' | 'expires_at',
): CalendarDate {
  const value = raw[name];
  if (value === undefined || value === null) {
    const hint =
      name === 'issued_at' && raw.starts_at !== undefined
        ? ' (it has starts_at, which GitLab ignores)'
        : '';
    throw problem('FIELD_MISSING', `The license has no ${name}${hint}. ${DAMAGED}`);
  }
  return readDate(value, name);
}

function readDate(value: unknown, name: string): CalendarDate {
  if (!isCalendarDate(value)) throw invalid(name, value, 'a date (YYYY-MM-DD)');
  return value;
}

function readCount(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(name, value, 'a whole number');
  }
  return value;
}

function readRestrictions(raw: unknown): LicenseRestrictions {
  if (!isPlainObject(raw)) throw invalid('restrictions', raw, 'an object');
  const restrictions: LicenseRestrictions = {};
  for (const name of RESTRICTION_COUNTS) {
    const value = raw[name];
    if (value !== undefined && value !== null) {
      restrictions[name] = readCount(value, `restrictions.${name}`);
    }
  }
  const plan = raw.plan;
  if (plan !== undefined && plan !== null) {
    if (typeof plan !== 'string' || !(PLANS as readonly string[]).includes(plan)) {
      throw invalid('restrictions.plan', plan, 'starter, premium or ultimate');
    }
    restrictions.plan = plan as LicensePlan;
  }
  const trial = raw.trial;
  if (trial !== undefined && trial !== null) {
    if (typeof trial !== 'boolean') throw invalid('restrictions.trial', trial, 'true or false');
    restrictions.trial = trial;
  }
  const id = raw.id;
  if (id !== undefined && id !== null) restrictions.id = readCount(id, 'restrictions.id');
  const subscriptionId = raw.subscription_id;
  if (subscriptionId !== undefined && subscriptionId !== null) {
    if (typeof subscriptionId !== 'string') {
      throw invalid('restrictions.subscription_id', subscriptionId, 'a text');
    }
    restrictions.subscription_id = subscriptionId;
  }
  for (const name of RESTRICTION_DATES) {
    const value = raw[name];
    if (value !== undefined && value !== null)
      restrictions[name] = readDate(value, `restrictions.${name}`);
  }
  const addOns = raw.add_ons;
  if (addOns !== undefined && addOns !== null) {
    if (!isPlainObject(addOns))
      throw invalid('restrictions.add_ons', addOns, 'an object of counts');
    const counts: Record<string, number> = {};
    for (const [key, value] of Object.entries(addOns)) {
      setOwn(counts, key, readCount(value, `restrictions.add_ons.${key}`));
    }
    restrictions.add_ons = counts;
  }
  return restrictions;
}

/** Copies a key as an own property, even `__proto__`, which plain assignment would swallow. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problem(code: LicenseDecodeError['code'], message: string): AttributeProblem {
  return new AttributeProblem(decodeError(code, message));
}

function invalid(name: string, value: unknown, expected: string): AttributeProblem {
  return problem(
    'INVALID_ATTRIBUTE',
    `The license's ${name} is ${describe(value)}, not ${expected}. ${DAMAGED}`,
  );
}

/** A short, safe rendering of a wrong value: enough to recognise it, never a wall of text. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
