/**
 * The plaintext of a license: compact JSON with the keys in the order the `gitlab-license`
 * gem writes them (its `License#to_h`), so that a file we make reads like one the vendor made.
 */
import type { LicenseAttributes, LicenseRestrictions } from './attributes.js';

const ATTRIBUTE_ORDER = [
  'version',
  'licensee',
  'issued_at',
  'expires_at',
  'notify_admins_at',
  'notify_users_at',
  'block_changes_at',
  'next_sync_at',
  'last_synced_at',
  'activated_at',
  'cloud_licensing_enabled',
  'offline_cloud_licensing_enabled',
  'auto_renew_enabled',
  'seat_reconciliation_enabled',
  'operational_metrics_enabled',
  'generated_from_customers_dot',
  'generated_from_cancellation',
  'restrictions',
] as const satisfies readonly (keyof LicenseAttributes)[];

/** The gem keeps restrictions in the order it was given them; this is the order GitLab uses. */
export const RESTRICTION_ORDER = [
  'active_user_count',
  'plan',
  'trial',
  'id',
  'subscription_id',
  'previous_user_count',
  'trueup_quantity',
  'trueup_from',
  'trueup_to',
  'add_ons',
] as const satisfies readonly (keyof LicenseRestrictions)[];

/** Compact JSON (`/` unescaped, integers as integers) in the gem's key order. */
export function serializeLicenseAttributes(attributes: LicenseAttributes): string {
  const ordered: Record<string, unknown> = {};
  for (const key of ATTRIBUTE_ORDER) {
    const value = attributes[key];
    // Like the gem, an absent attribute is left out rather than written as null.
    if (value === undefined || value === null) continue;
    if (key === 'restrictions') {
      const restrictions = orderedRestrictions(value as LicenseRestrictions);
      // The gem omits restrictions when there are none.
      if (Object.keys(restrictions).length > 0) ordered[key] = restrictions;
      continue;
    }
    ordered[key] = value;
  }
  return JSON.stringify(ordered);
}

function orderedRestrictions(restrictions: LicenseRestrictions): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of RESTRICTION_ORDER) {
    const value = restrictions[key];
    if (value !== undefined && value !== null) ordered[key] = value;
  }
  return ordered;
}
