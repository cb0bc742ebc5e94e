import type { CalendarDate } from '../license/calendar-date.js';
import type { StepKind } from './pipeline.js';

/**
 * An emergency request's life:
 *
 *   rejected                       (the policy said no; recorded, nothing else happens)
 *   awaiting_approval ──(declined | expired)──▶ rejected
 *     │ (approved)
 *     ▼
 *   queued ──▶ issuing ──▶ succeeded
 *     │           │
 *     └───────────┴──▶ failed ──(retry)──▶ queued | issuing
 *
 * awaiting_approval: eligible, but a guardrail holds it until an approver who is not the
 * requester approves or declines it (or it expires). queued: accepted, the license is not made
 * yet. issuing: the license exists and is on its way to the customer. succeeded: the customer's
 * email server accepted the license. failed: a step could not be completed; `failure` says which
 * and what to do.
 */
export type RequestState =
  'awaiting_approval' | 'queued' | 'issuing' | 'succeeded' | 'failed' | 'rejected';

export const requestStates: readonly RequestState[] = [
  'awaiting_approval',
  'queued',
  'issuing',
  'succeeded',
  'failed',
  'rejected',
];

const transitions: Record<RequestState, readonly RequestState[]> = {
  awaiting_approval: ['queued', 'rejected'],
  queued: ['issuing', 'failed'],
  issuing: ['succeeded', 'failed'],
  succeeded: [],
  failed: ['queued', 'issuing'],
  rejected: [],
};

export function canMove(from: RequestState, to: RequestState): boolean {
  return transitions[from].includes(to);
}

/** The states a request may reach `to` from. */
export function statesMovingTo(to: RequestState): RequestState[] {
  return requestStates.filter((from) => canMove(from, to));
}

/** Where a new request starts, from its decision. */
export function initialState(decision: {
  eligible: boolean;
  needsApproval: boolean;
}): RequestState {
  if (!decision.eligible) return 'rejected';
  return decision.needsApproval ? 'awaiting_approval' : 'queued';
}

/** The step a request failed at: a kind of the step registry (src/requests/pipeline.ts). */
export type RequestStep = StepKind;

export interface RequestFailure {
  step: RequestStep;
  message: string;
  nextAction: string;
}

export interface IssuedLicenseSummary {
  /** SHA-256 of the license text. */
  fingerprint: string;
  plan: string;
  trial: boolean;
  userCount: number;
  issuedAt: CalendarDate;
  expiresAt: CalendarDate;
}
