import type { LicenseAttributes } from '../license/attributes.js';
import { compareCalendarDates, type CalendarDate } from '../license/calendar-date.js';
import { customerKeys, type CustomerKeys } from './customer-keys.js';
import { sameCustomer } from './rules/repeat.js';
import type { PolicySettings } from './settings.js';
import { planName, withArticle } from './wording.js';

export interface RenewalFacts {
  plan: string;
  userCount?: number;
  startsOn: CalendarDate;
  expiresOn: CalendarDate;
  company?: string;
  licenseeEmail?: string;
  subscriptionId?: string;
  /** Why it is the same customer, e.g. "same email domain acme.example". */
  sameCustomerBecause: string;
}

export type RenewalCheck = { ok: true; facts: RenewalFacts } | { ok: false; message: string };

/**
 * Whether a decoded license can close a request's cover: a paid, non-trial license of the same
 * customer (by the repeat rule's keys: email, email domain, company, subscription id) that
 * starts no later than the temporary license ends, so the customer is never left without one.
 * Pure: the caller decodes the file with the evidence keys.
 */
export function checkRenewal(
  license: LicenseAttributes,
  request: CustomerKeys,
  temporaryEndsOn: CalendarDate,
  settings: PolicySettings,
): RenewalCheck {
  const restrictions = license.restrictions ?? {};
  const plan = restrictions.plan ?? 'starter';
  if (restrictions.trial === true) {
    return {
      ok: false,
      message: `This license is ${withArticle(`${planName(plan)} trial`)}, not a renewal: a renewal is the customer’s paid license. Ask the customer for the license of their renewed subscription.`,
    };
  }
  if (!settings.paidPlans.includes(plan)) {
    return {
      ok: false,
      message: `This license is for the ${planName(plan)} plan, which is not a paid plan under this policy: a renewal is the customer’s paid license.`,
    };
  }
  const licensee = license.licensee;
  const renewalKeys = customerKeys(
    licensee.Email ?? '',
    {
      source: 'license_file',
      plan,
      trial: false,
      expiresOn: license.expires_at,
      ...(licensee.Company && { company: licensee.Company }),
      ...(restrictions.subscription_id && { subscriptionId: restrictions.subscription_id }),
    },
    settings,
  );
  const because = sameCustomer(renewalKeys, request, settings);
  if (because === undefined) {
    const whose = [licensee.Company, licensee.Email].filter(Boolean).join(', ') || 'no licensee';
    return {
      ok: false,
      message: `This license is for another customer (${whose}), not this request’s ${request.email}: neither the email, its domain, the company nor the subscription matches. Check you have the right customer’s file.`,
    };
  }
  if (compareCalendarDates(license.issued_at, temporaryEndsOn) > 0) {
    return {
      ok: false,
      message: `This license starts on ${license.issued_at}, after the temporary license ends (${temporaryEndsOn}): the customer would be without a license in between. Ask for a renewal that starts on or before ${temporaryEndsOn}, or have an approver extend the cover.`,
    };
  }
  return {
    ok: true,
    facts: {
      plan,
      ...(restrictions.active_user_count !== undefined && {
        userCount: restrictions.active_user_count,
      }),
      startsOn: license.issued_at,
      expiresOn: license.expires_at,
      ...(licensee.Company && { company: licensee.Company }),
      ...(licensee.Email && { licenseeEmail: licensee.Email }),
      ...(restrictions.subscription_id && { subscriptionId: restrictions.subscription_id }),
      sameCustomerBecause: because,
    },
  };
}
