import type { RequestState } from './api-types.js';

/** How a request's state reads to a person, and the badge tone that goes with it. */
export const stateLabels: Record<
  RequestState,
  { label: string; tone: 'ok' | 'bad' | 'busy' | 'muted' }
> = {
  awaiting_approval: { label: 'Awaiting approval', tone: 'busy' },
  queued: { label: 'Queued', tone: 'busy' },
  issuing: { label: 'Issuing', tone: 'busy' },
  succeeded: { label: 'Sent', tone: 'ok' },
  failed: { label: 'Failed', tone: 'bad' },
  rejected: { label: 'Not eligible', tone: 'muted' },
};

export const planLabels: Record<string, string> = {
  starter: 'Starter',
  premium: 'Premium',
  ultimate: 'Ultimate',
};

export function planLabel(plan: string | undefined): string {
  return plan ? (planLabels[plan] ?? plan) : '—';
}

/** `2026-11-28T09:15:00.000Z` → `2026-11-28 09:15 UTC`: support works across time zones. */
export function dateTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

export function users(count: number): string {
  return count === 1 ? '1 user' : `${count.toLocaleString('en-US')} users`;
}

export function isSettled(state: RequestState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'rejected';
}
