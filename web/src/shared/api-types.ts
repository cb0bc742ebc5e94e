/**
 * The shapes the API answers with, taken from the service's own types (type-only imports: they
 * vanish from the bundle), so the console and the sidebar break at compile time when an answer
 * changes shape.
 */
import type { LicenseAttributes } from '../../../src/license/attributes.js';
import type { LicenseStatus } from '../../../src/license/status.js';
import type {
  LicenseLifeEvent,
  LicensePeriod,
} from '../../../src/license/gitlab-upload/license-life.js';
import type { PreflightResult } from '../../../src/license/gitlab-upload/preflight.js';
import type { DecisionView } from '../../../src/requests/decision-view.js';
import type { RequestDetail, RequestSummary } from '../../../src/requests/request-view.js';
import type { RequestState } from '../../../src/requests/request.js';
import type { SubmissionInput } from '../../../src/requests/submission.js';

export type {
  DecisionView,
  LicenseStatus,
  RequestDetail,
  RequestState,
  RequestSummary,
  SubmissionInput,
};

export type Decision = DecisionView;
export type RuleOutcome = DecisionView['rules'][number];

/** `POST /requests`: 202 accepted, 422 rejected by the policy (recorded either way). */
export interface SubmitAnswer {
  id: string;
  state: RequestState;
  decision: Decision;
}

export interface RequestPage {
  items: RequestSummary[];
  nextCursor: string | null;
}

export interface RequestQuery {
  email?: string;
  ticket?: string;
  state?: RequestState;
  since?: string;
  limit?: number;
  cursor?: string;
}

export type InspectAnswer =
  | {
      ok: true;
      keyFingerprint: string;
      /** The evidence key's name ("production", "test"); null when it has none. */
      keyName: string | null;
      status: LicenseStatus;
      period: LicensePeriod;
      life: LicenseLifeEvent[];
      license: LicenseAttributes;
    }
  | { ok: false; error: { code: string; message: string } };

export type PreflightAnswer = PreflightResult;

export interface SessionAnswer {
  user: { name: string; role: 'engineer' | 'admin' };
  csrfToken: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}
