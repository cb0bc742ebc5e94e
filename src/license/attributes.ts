import type { CalendarDate } from './calendar-date.js';

/**
 * The attributes of a GitLab license, as the `gitlab-license` gem models them, in the
 * names of its JSON keys (snake_case) so that nothing is lost or renamed between the file
 * and the model. Serialization order is the gem's: see `serialize.ts`.
 */
export interface LicenseAttributes {
  version: 1;
  /** GitLab shows `Name`, `Email` and `Company`, with that capitalisation. */
  licensee: Record<string, string>;
  /** The start date. */
  issued_at: CalendarDate;
  /** A license is expired on this day, from 00:00 server time. */
  expires_at: CalendarDate;
  notify_admins_at?: CalendarDate;
  notify_users_at?: CalendarDate;
  /** The day the instance turns read-only: normally expires_at + 14 days. */
  block_changes_at?: CalendarDate;
  /** Cloud licensing only (ISO-8601 datetimes); kept as read. */
  next_sync_at?: string;
  last_synced_at?: string;
  activated_at?: string;
  cloud_licensing_enabled: boolean;
  offline_cloud_licensing_enabled: boolean;
  auto_renew_enabled: boolean;
  seat_reconciliation_enabled: boolean;
  operational_metrics_enabled: boolean;
  generated_from_customers_dot: boolean;
  generated_from_cancellation: boolean;
  /** Omitted from the file when empty. */
  restrictions?: LicenseRestrictions;
}

export type LicensePlan = 'starter' | 'premium' | 'ultimate';

export interface LicenseRestrictions {
  active_user_count?: number;
  /** Missing means starter. */
  plan?: LicensePlan;
  trial?: boolean;
  id?: number;
  subscription_id?: string;
  previous_user_count?: number;
  trueup_quantity?: number;
  trueup_from?: CalendarDate;
  trueup_to?: CalendarDate;
  add_ons?: Record<string, number>;
}
