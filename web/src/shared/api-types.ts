/**
 * The shapes the API answers with, taken from the service's own types (type-only imports: they
 * vanish from the bundle), so the console and the sidebar break at compile time when an answer
 * changes shape.
 */
import type { AuditEntry as StoredAuditEntry } from '../../../src/audit/audit-entry.js';
import type { Dashboard as ServiceDashboard } from '../../../src/dashboard/dashboard.js';
import type {
  BatchCounts,
  BatchRowView,
  BatchState,
  BatchView,
  RowOutcome,
} from '../../../src/batches/batch.js';
import type { BatchFormat, RowError } from '../../../src/batches/batch-file.js';
import type { BatchFinding } from '../../../src/batches/batch-findings.js';
import type {
  DryRunAnswer,
  DryRunRow as ServiceDryRunRow,
} from '../../../src/batches/batch-preview.js';
import type {
  HandoffDigest as ServiceHandoffDigest,
  HandoffRequest as ServiceHandoffRequest,
} from '../../../src/handoff/handoff-digest.js';
import type { LicenseAttributes } from '../../../src/license/attributes.js';
import type { LicenseStatus } from '../../../src/license/status.js';
import type {
  LicenseLifeEvent,
  LicensePeriod,
} from '../../../src/license/gitlab-upload/license-life.js';
import type { PreflightResult } from '../../../src/license/gitlab-upload/preflight.js';
import type { DecisionView } from '../../../src/requests/decision-view.js';
import type { RequestDetail, RequestSummary } from '../../../src/requests/request-view.js';
import type { RequestState } from '../../../src/requests/request-life.js';
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
  /** The same customer as this address, matched as the repeat rule does. */
  customer?: string;
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

export type Role = 'engineer' | 'approver' | 'admin' | 'service';

/** How this Lifeline lets people into the console (`GET /auth/options`). */
export interface SignInOptions {
  sso: boolean;
  localAccounts: boolean;
}

export interface SessionAnswer {
  user: { name: string; role: Role };
  csrfToken: string;
}

export interface TokenView {
  id: string;
  name: string;
  owner: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreatedToken {
  id: string;
  name: string;
  owner: string;
  role: Role;
  expiresAt: string | null;
  /** Shown once: the service keeps only its hash. */
  token: string;
}

export interface ConsoleUser {
  id: string;
  username: string;
  role: Role;
  source: string;
  createdAt: string;
  disabledAt: string | null;
}

export interface ConsoleSession {
  id: string;
  person: string;
  role: Role;
  credential: string;
  address: string | null;
  createdAt: string;
  expiresAt: string;
}

/** One audit entry, as `GET /api/v1/audit` answers it: the service's own type. */
export type AuditEntry = StoredAuditEntry;

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  request?: string;
  since?: string;
  cursor?: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}

/** The hand-off, as `GET /api/v1/handoff` answers it: the service's own type. */
export type HandoffDigest = ServiceHandoffDigest;
export type HandoffRequest = ServiceHandoffRequest;

/** The dashboard, as `GET /api/v1/dashboard` answers it: the service's own type. */
export type Dashboard = ServiceDashboard;

// Batches: the service's own types, as the rest of this file.

export type { BatchFormat, BatchFinding, BatchCounts, BatchState, BatchView };
export type BatchRowError = RowError;
export type BatchRowOutcome = RowOutcome;
export type BatchRow = BatchRowView;
export type DryRunRow = ServiceDryRunRow;
export type DryRunOutcome = ServiceDryRunRow['outcome'];
export type DryRunReport = DryRunAnswer;

/** What `POST /api/v1/batches` takes; `?dryRun=true` decides every row and records nothing. */
export interface BatchInput {
  format: BatchFormat;
  content: string;
  fileName: string;
  /** Needed to run a batch, not to dry-run one. */
  reason?: string;
  skipInvalid: boolean;
}

export interface BatchRowPage {
  rows: BatchRow[];
  nextCursor: string | null;
}
