import type { LicensePlan } from '../license/attributes.js';
import type { CalendarDate } from '../license/calendar-date.js';
import { parseCalendarDate } from '../license/calendar-date.js';
import type { VerificationKey } from '../license/index.js';
import { decodeLicense } from '../license/index.js';
import { count, planName, quoted } from './wording.js';

/**
 * What the engineer gave as proof of the expired subscription: the customer's license file
 * (exact, preferred; typed values are optional and only compared with it), or the values read
 * from the two screenshots on the ticket. Either way the subscription page's *Maximum users*
 * (and, where known, *Billable users*) cards: no license file holds them, and GitLab's seat check
 * compares with them (`gitlab-upload-rules.md`).
 */
export type EvidenceInput = SubscriptionUsage &
  (
    | { licenseFile: string; plan?: LicensePlan; expiredOn?: string; licensedUsers?: number }
    | {
        plan: LicensePlan;
        trial?: boolean;
        expiredOn: string;
        licensedUsers: number;
        screenshotsAttached: boolean;
      }
    /** Nothing given: the license file on the ticket, when Lifeline finds one there. */
    | { fromTicket: true }
  );

/** The two user cards of Admin Area › Subscription. */
export interface SubscriptionUsage {
  /** *Maximum users*: the highest peak since the expired license started. Required. */
  maximumUsers?: number;
  /** *Billable users*: the latest daily count. Optional. */
  billableUsers?: number;
}

/** What the evidence says about the subscription, whichever kind it was. */
export interface SubscriptionFacts {
  source: 'license_file' | 'screenshots';
  plan: LicensePlan;
  trial: boolean;
  /** The license's `expires_at`: it stops working on this day. */
  expiresOn: CalendarDate;
  /** The license's `block_changes_at` (read-only from this day); screenshots never show it. */
  blockChangesOn?: CalendarDate;
  licensedUsers?: number;
  company?: string;
  licenseeEmail?: string;
  subscriptionId?: string;
  /** The fingerprint of the evidence key that opened the file. */
  keyFingerprint?: string;
  /** That key's name (LIFELINE_EVIDENCE_PUBLIC_KEY_FILES' `name=path`), e.g. "production". */
  keyName?: string;
  /** The *Maximum users* card: an upper bound of GitLab's prior maximum (H). */
  maximumUsers?: number;
  /** The *Billable users* card. */
  billableUsers?: number;
}

export type EvidenceReading =
  | { ok: true; facts: SubscriptionFacts; disagreements: string[] }
  | {
      ok: false;
      /** EVIDENCE_UNREADABLE | EVIDENCE_INVALID | SCREENSHOTS_MISSING: the evidence rule's code. */
      code: string;
      message: string;
    };

const plans: readonly string[] = ['starter', 'premium', 'ultimate'];

/** Reads the evidence into facts. Never throws: a problem is a reading with `ok: false`. */
export function readEvidence(
  evidence: EvidenceInput,
  evidenceKeys: readonly VerificationKey[],
): EvidenceReading {
  if ('fromTicket' in evidence) {
    return {
      ok: false,
      code: 'EVIDENCE_MISSING',
      message:
        'No evidence was given and the ticket has no .gitlab-license attachment that Lifeline could read: attach the customer’s license file to the ticket, or enter the values from their two screenshots.',
    };
  }
  const reading =
    'licenseFile' in evidence && typeof evidence.licenseFile === 'string'
      ? readLicenseFile(evidence, evidenceKeys)
      : readScreenshots(evidence as Extract<EvidenceInput, { screenshotsAttached: boolean }>);
  if (!reading.ok) return reading;
  const usage = readUsage(evidence);
  if ('problem' in usage) {
    return { ok: false, code: 'EVIDENCE_INVALID', message: usage.problem };
  }
  return { ...reading, facts: withoutUndefined({ ...reading.facts, ...usage }) };
}

/**
 * The user cards, checked for what they can be: whole numbers, and billable users never above
 * the maximum (the maximum is the peak of the daily billable counts, today's included). A missing
 * maximum is left for the seat rule to name.
 */
function readUsage(
  evidence: SubscriptionUsage,
): Pick<SubscriptionFacts, 'maximumUsers' | 'billableUsers'> | { problem: string } {
  const problems: string[] = [];
  const maximumUsers = validUsers(evidence.maximumUsers);
  const billableUsers = validUsers(evidence.billableUsers);
  if (evidence.maximumUsers !== undefined && maximumUsers === undefined) {
    problems.push(`the maximum users ${quoted(evidence.maximumUsers)} is not a whole number`);
  }
  if (evidence.billableUsers !== undefined && billableUsers === undefined) {
    problems.push(`the billable users ${quoted(evidence.billableUsers)} is not a whole number`);
  }
  if (maximumUsers !== undefined && billableUsers !== undefined && billableUsers > maximumUsers) {
    problems.push(
      `the billable users (${count(billableUsers)}) are above the maximum users (${count(maximumUsers)}), which GitLab computes as the highest billable count so far: one of the two was misread`,
    );
  }
  if (problems.length > 0) {
    return {
      problem: `The user counts read from the subscription page cannot be used: ${problems.join('; ')}. Check them against the Admin Area › Subscription screenshot.`,
    };
  }
  return { maximumUsers, billableUsers };
}

function readLicenseFile(
  evidence: Extract<EvidenceInput, { licenseFile: string }>,
  evidenceKeys: readonly VerificationKey[],
): EvidenceReading {
  if (evidenceKeys.length === 0) {
    return {
      ok: false,
      code: 'EVIDENCE_UNREADABLE',
      message:
        'No evidence public key is configured, so Lifeline cannot check a license file: enter the values from the customer’s screenshots instead.',
    };
  }
  const decoded = decodeLicense(evidence.licenseFile, evidenceKeys);
  if (!decoded.ok) {
    // The decoder's sentences already say what is wrong and what to ask the customer for.
    const explanation = decoded.error.message.trim().replace(/([^.!?])$/, '$1.');
    return {
      ok: false,
      code: 'EVIDENCE_UNREADABLE',
      message: `${explanation} Otherwise, enter the values from the customer’s screenshots.`,
    };
  }
  const { license, key } = decoded;
  const restrictions = license.restrictions ?? {};
  const facts: SubscriptionFacts = {
    source: 'license_file',
    // The gem's rule: a license without a plan is a Starter license.
    plan: restrictions.plan ?? 'starter',
    trial: restrictions.trial === true,
    expiresOn: license.expires_at,
    blockChangesOn: license.block_changes_at,
    licensedUsers: restrictions.active_user_count ?? validSeats(evidence.licensedUsers),
    company: nonEmpty(license.licensee.Company),
    licenseeEmail: nonEmpty(license.licensee.Email),
    subscriptionId: nonEmpty(restrictions.subscription_id),
    keyFingerprint: key.fingerprint,
    keyName: key.label,
  };
  return {
    ok: true,
    facts: withoutUndefined(facts),
    disagreements: disagreements(evidence, facts),
  };
}

/** Where the values the engineer typed differ from the file's: the file wins, the engineer is told. */
function disagreements(
  typed: Extract<EvidenceInput, { licenseFile: string }>,
  file: SubscriptionFacts,
): string[] {
  const found: string[] = [];
  if (typed.plan !== undefined && typed.plan !== file.plan) {
    found.push(
      `You entered the plan as ${planName(String(typed.plan))}, but the license file says ${planName(file.plan)}: the file’s plan is used.`,
    );
  }
  if (typed.expiredOn !== undefined && typed.expiredOn.trim() !== '') {
    const date = parseCalendarDate(typed.expiredOn.trim());
    if (date === undefined) {
      found.push(
        `You entered the expiry date as ${quoted(typed.expiredOn)}, which is not a YYYY-MM-DD date; the license file’s ${file.expiresOn} is used.`,
      );
    } else if (date !== file.expiresOn) {
      found.push(
        `You entered the expiry date as ${date}, but the license file says ${file.expiresOn}: the file’s date is used.`,
      );
    }
  }
  if (
    typed.licensedUsers !== undefined &&
    file.licensedUsers !== undefined &&
    typed.licensedUsers !== file.licensedUsers
  ) {
    found.push(
      `You entered ${count(typed.licensedUsers)} licensed users, but the license file says ${count(file.licensedUsers)}: the file’s seats are used.`,
    );
  }
  return found;
}

function readScreenshots(
  evidence: Extract<EvidenceInput, { screenshotsAttached: boolean }>,
): EvidenceReading {
  const problems: string[] = [];
  const plan = String(evidence.plan);
  if (!plans.includes(plan)) {
    problems.push(
      `the plan ${quoted(plan)} is not one GitLab sells (Starter, Premium or Ultimate)`,
    );
  }
  const expiresOn =
    typeof evidence.expiredOn === 'string'
      ? parseCalendarDate(evidence.expiredOn.trim())
      : undefined;
  if (expiresOn === undefined) {
    problems.push(`the expiry date ${quoted(evidence.expiredOn)} is not a YYYY-MM-DD date`);
  }
  const licensedUsers = validSeats(evidence.licensedUsers);
  if (licensedUsers === undefined) {
    problems.push(
      `the licensed users ${quoted(evidence.licensedUsers)} is not a whole number of at least 1`,
    );
  }
  const fix = problems.length > 0 ? ` Also fix what you entered: ${problems.join('; ')}.` : '';
  if (evidence.screenshotsAttached !== true) {
    return {
      ok: false,
      code: 'SCREENSHOTS_MISSING',
      message: `Attach the customer’s two screenshots (Admin Area › Overview › Dashboard, and Admin Area › Subscription) to the ticket first, then confirm that they are attached.${fix}`,
    };
  }
  if (expiresOn === undefined || licensedUsers === undefined || problems.length > 0) {
    const list = problems.join('; ');
    return {
      ok: false,
      code: 'EVIDENCE_INVALID',
      message: `The values read from the screenshots cannot be used: ${list}. Check them against the screenshots and enter them again.`,
    };
  }
  return {
    ok: true,
    facts: {
      source: 'screenshots',
      plan: plan as LicensePlan,
      trial: evidence.trial === true,
      expiresOn,
      licensedUsers,
    },
    disagreements: [],
  };
}

function validUsers(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function validSeats(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed === '' ? undefined : trimmed;
}

/** Facts are recorded as JSON: leave absent values out rather than storing `undefined`. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}
