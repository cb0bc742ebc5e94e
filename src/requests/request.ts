import type { CalendarDate } from '../license/calendar-date.js';
import type { StepKind } from './pipeline.js';

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
