import { createHash } from 'node:crypto';
import type { LicensePlan } from '../license/attributes.js';
import type { ApprovalGuardrailSettings } from './guardrails.js';
import { approvalSettingsProblems, defaultApprovalGuardrails } from './guardrails.js';
import { mailProvidersDigest } from './mail-providers.js';

/** The knobs of the emergency eligibility policy. Every decision records the settings it used. */
export interface PolicySettings {
  /** Days after expiry during which GitLab keeps working, when a license has no `block_changes_at`. */
  gracePeriodDays: number;
  /** How many days after the window's start an emergency license may still be issued. */
  emergencyWindowDays: number;
  /** The original process counts from the end of the grace period; a later revision from expiry. */
  windowCountsFrom: 'grace_end' | 'expiry';
  /** The largest user count an emergency license may carry. */
  maxUserCount: number;
  /** A second emergency for the same customer within this many days is a repeat. */
  repeatPeriodDays: number;
  /** Plans that count as paid (a trial of any plan never does). */
  paidPlans: LicensePlan[];
  /**
   * Mail providers shared by unrelated people: repeats are never matched by these domains, only
   * by the mailbox. Registrable domains, or `name.*` for a provider under every suffix.
   */
  publicEmailDomains: string[];
  /** Who to escalate to when the window has passed, named in the "too late" sentence. */
  escalationContact: string;
  /** The guardrails' thresholds: past one, a request waits for an approver. */
  approval: ApprovalGuardrailSettings;
}

export const defaultPublicEmailDomains: readonly string[] = [
  '126.com',
  '163.com',
  'aol.*',
  'fastmail.com',
  'gmail.com',
  'gmx.*',
  'googlemail.com',
  'hey.com',
  'hotmail.*',
  'icloud.com',
  'live.*',
  'mac.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'outlook.*',
  'pm.me',
  'proton.me',
  'protonmail.ch',
  'protonmail.com',
  'qq.com',
  'tutanota.com',
  'web.de',
  'yahoo.*',
  'yandex.*',
  'ymail.com',
  'zoho.com',
];

export const defaultPolicySettings: PolicySettings = {
  gracePeriodDays: 14,
  emergencyWindowDays: 3,
  windowCountsFrom: 'grace_end',
  maxUserCount: 100_000,
  repeatPeriodDays: 30,
  paidPlans: ['starter', 'premium', 'ultimate'],
  publicEmailDomains: [...defaultPublicEmailDomains],
  escalationContact: 'the licensing team in #support_licensing-subscription',
  approval: { ...defaultApprovalGuardrails },
};

const knownPlans: readonly LicensePlan[] = ['starter', 'premium', 'ultimate'];

/**
 * The settings in one canonical form: only the known fields, lists as sorted sets (their order
 * means nothing), domains lowercased. Decisions record this form, and the version hashes it, so
 * two configurations that mean the same policy get the same version.
 */
export function normalisePolicySettings(settings: PolicySettings): PolicySettings {
  return {
    gracePeriodDays: settings.gracePeriodDays,
    emergencyWindowDays: settings.emergencyWindowDays,
    windowCountsFrom: settings.windowCountsFrom,
    maxUserCount: settings.maxUserCount,
    repeatPeriodDays: settings.repeatPeriodDays,
    paidPlans: [...new Set(settings.paidPlans)].sort(),
    publicEmailDomains: [
      ...new Set(settings.publicEmailDomains.map((domain) => domain.trim().toLowerCase())),
    ].sort(),
    escalationContact: settings.escalationContact,
    // Decisions recorded before the guardrails existed replay under today's defaults.
    approval: { ...defaultApprovalGuardrails, ...settings.approval },
  };
}

/**
 * The revision of the rules themselves: 2 added GitLab's seat check, 3 matched repeats by
 * registrable domain and normalised mailbox and added the guardrails (a repeat waits for approval
 * instead of being refused). A decision recorded under
 * another revision replays under today's rules, and its version says that it was made otherwise.
 */
export const RULES_REVISION = 3;

/**
 * A short, stable name for a policy: `p3-` and 8 hex digits of the SHA-256 of the canonical
 * settings and the list of common mail providers (mail-providers.ts).
 */
export function policyVersion(settings: PolicySettings): string {
  const canonical = canonicalJson(normalisePolicySettings(settings)) + mailProvidersDigest;
  return `p${RULES_REVISION}-${createHash('sha256').update(canonical).digest('hex').slice(0, 8)}`;
}

/**
 * What is wrong with a set of settings, in sentences (empty when they are usable). For the
 * configuration loader, so a bad policy stops the service at start rather than misjudging tickets.
 */
export function policySettingsProblems(settings: PolicySettings): string[] {
  const problems: string[] = [];
  const wholeDays = (name: keyof PolicySettings, value: number, max: number): void => {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      problems.push(`${name} must be a whole number of days from 0 to ${max} (got ${value}).`);
    }
  };
  wholeDays('gracePeriodDays', settings.gracePeriodDays, 365);
  wholeDays('emergencyWindowDays', settings.emergencyWindowDays, 365);
  wholeDays('repeatPeriodDays', settings.repeatPeriodDays, 3650);
  if (settings.windowCountsFrom !== 'grace_end' && settings.windowCountsFrom !== 'expiry') {
    problems.push(`windowCountsFrom must be "grace_end" or "expiry".`);
  }
  if (
    !Number.isInteger(settings.maxUserCount) ||
    settings.maxUserCount < 1 ||
    settings.maxUserCount > 10_000_000
  ) {
    problems.push(
      `maxUserCount must be a whole number from 1 to 10000000 (got ${settings.maxUserCount}).`,
    );
  }
  if (settings.paidPlans.length === 0) problems.push('paidPlans must name at least one plan.');
  for (const plan of settings.paidPlans) {
    if (!knownPlans.includes(plan)) problems.push(`paidPlans: unknown plan "${String(plan)}".`);
  }
  problems.push(
    ...approvalSettingsProblems({ ...defaultApprovalGuardrails, ...settings.approval }),
  );
  if (settings.escalationContact.trim() === '') {
    problems.push('escalationContact must say who to escalate to.');
  }
  return problems;
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const record = inner as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, record[key]]),
    );
  });
}
