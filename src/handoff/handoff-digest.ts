/**
 * The hand-off: what the licensing team reads on Monday. Every emergency request of the period,
 * and what needs a person now, whatever period it came from.
 * - period: from the last digest sent (or `--since`) until now.
 * - needs a person: failures, requests waiting on someone (any state that is neither in flight
 *   nor settled, such as an approval), licenses ending within `endingWithinDays`.
 * Pure: the store query is in handoff-query.ts.
 */
export interface HandoffRequest {
  id: string;
  /** ISO instant the request was made. */
  createdAt: string;
  ticket: { id: string; url: string };
  customer: string;
  /** The customer's address, as the request gave it. */
  customerEmail: string;
  seats: number;
  requester: string;
  state: string;
  /** The cover (pending, renewed, lapsed, extended), where the request carries one. */
  cover?: string;
  /** The license's last day, once one was issued. */
  licenseEndsOn?: string;
  failure?: { step: string; message: string };
}

export interface HandoffDigest {
  since: string;
  until: string;
  requests: HandoffRequest[];
  needsPerson: {
    failed: HandoffRequest[];
    waiting: HandoffRequest[];
    endingSoon: HandoffRequest[];
  };
}

/** States a request leaves by itself (in flight) or never leaves (settled). */
const inFlight = new Set(['queued', 'issuing']);
const settled = new Set(['succeeded', 'rejected']);

/** Whether the request waits on a person: not failed, not in flight, not settled. */
export function isWaiting(state: string): boolean {
  return state !== 'failed' && !inFlight.has(state) && !settled.has(state);
}

export const endingWithinDays = 3;

/** Parses `3d`, `12h`, `90m`, or a date (YYYY-MM-DD) / ISO instant; answers epoch ms. */
export function parseSince(text: string, now: number): number | undefined {
  const relative = /^(\d{1,4})\s*([dhm])$/i.exec(text.trim());
  if (relative?.[1] && relative[2]) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[
      relative[2].toLowerCase() as 'd' | 'h' | 'm'
    ];
    return now - Number(relative[1]) * unit;
  }
  if (!/^\d{4}-\d\d-\d\d/.test(text.trim())) return undefined;
  const at = Date.parse(text.trim());
  return Number.isNaN(at) || at > now ? undefined : at;
}

export const sinceSentence =
  'since must be a duration such as 3d, 12h or 90m (at most 9999 of one unit), or a date (YYYY-MM-DD) or ISO instant in the past';
