/**
 * The dashboard: what the licensing team opens on Monday. The period's requests at a glance,
 * the covers ending soon, how long customers take to renew, who keeps coming back, and what
 * needs a person (the hand-off's own lists). Pure: the store queries are in dashboard-query.ts
 * and renewal-times.ts.
 */
import type { HandoffRequest } from '../handoff/handoff-digest.js';

export interface Dashboard {
  since: string;
  generatedAt: string;
  weekend: {
    requests: number;
    /** Delivered: the request succeeded (the list's state=succeeded). */
    issued: number;
    awaitingApproval: number;
    rejected: number;
    failed: number;
    byRequester: Array<{ requester: string; count: number }>;
  };
  coversEndingSoon: Array<{
    requestId: string;
    customerEmail: string;
    temporaryLicenseEndsOn: string;
    /** The cover's state: pending or extended. */
    state: string;
    daysLeft: number;
  }>;
  covers: { pending: number; extended: number; renewed: number; lapsed: number };
  timeToRenewal: {
    /** Counts per bucket (not cumulative); the last bucket (upToDays null) is everything longer. */
    buckets: Array<{ upToDays: number | null; count: number }>;
    medianDays: number | null;
  };
  repeatCustomers: Array<{ customer: string; requests: number; lastRequestAt: string }>;
  needsAPerson: NeedsAPerson[];
}

/** One of the hand-off's needs-a-person lines, with the list it came from. */
export type NeedsAPerson = HandoffRequest & { reason: 'failed' | 'waiting' | 'ending_soon' };

/**
 * Upper bounds (days) of the time-to-renewal buckets, for the chart and the Prometheus
 * histogram alike: a day each through the temporary license's usual ten days, then coarser for
 * extended covers.
 */
export const renewalBucketDays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 21, 30, 60, 90] as const;

/** How far back "the last months" reach: renewals recorded and repeat customers' requests. */
export const lookbackDays = 180;

/** Counts each duration (days) into the first bucket it fits; the median to a tenth of a day. */
export function timeToRenewal(days: readonly number[]): Dashboard['timeToRenewal'] {
  const counts = new Array<number>(renewalBucketDays.length + 1).fill(0);
  for (const value of days) {
    const index = renewalBucketDays.findIndex((bound) => value <= bound);
    const at = index === -1 ? renewalBucketDays.length : index;
    counts[at] = (counts[at] ?? 0) + 1;
  }
  const buckets = counts.map((count, index) => ({
    upToDays: renewalBucketDays[index] ?? null,
    count,
  }));
  return { buckets, medianDays: median(days) };
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? 0)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

/** The hand-off's three needs-a-person lists as one, each line saying which list it is from. */
export function needsAPerson(lists: {
  failed: HandoffRequest[];
  waiting: HandoffRequest[];
  endingSoon: HandoffRequest[];
}): NeedsAPerson[] {
  return [
    ...lists.failed.map((r) => ({ ...r, reason: 'failed' as const })),
    ...lists.waiting.map((r) => ({ ...r, reason: 'waiting' as const })),
    ...lists.endingSoon.map((r) => ({ ...r, reason: 'ending_soon' as const })),
  ];
}
