/**
 * The shapes the API answers with, taken from the service's own types (type-only imports: they
 * vanish from the bundle), so the console and the sidebar break at compile time when an answer
 * changes shape.
 */
import type { AuditEntry as StoredAuditEntry } from '../../../src/audit/audit-entry.js';
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

// Batches (issue 16). Written from the API's contract until the service exports its own types.

export type BatchFormat = 'csv' | 'jsonl';

/** What `POST /api/v1/batches` takes; `?dryRun=true` decides every row and records nothing. */
export interface BatchInput {
  format: BatchFormat;
  content: string;
  fileName: string;
  /** Needed to run a batch, not to dry-run one. */
  reason?: string;
  skipInvalid: boolean;
}

/** A row's decision in a dry run: what a single request with the same fields would get. */
export type DryRunOutcome = 'eligible' | 'needs_approval' | 'refused' | 'invalid';

export interface BatchRowError {
  row: number;
  column: string;
  message: string;
}

export interface DryRunRow {
  row: number;
  outcome: DryRunOutcome;
  decision?: DecisionView;
  errors?: BatchRowError[];
  customerEmail: string;
  userCount: number;
}

/** Something about the batch as a whole: the same ticket twice, one customer on several rows. */
export interface BatchFinding {
  kind: string;
  rows: number[];
  message: string;
}

export interface DryRunReport {
  dryRun: true;
  rows: DryRunRow[];
  summary: {
    rows: number;
    eligible: number;
    needsApproval: number;
    refused: number;
    invalid: number;
  };
  findings: BatchFinding[];
}

export type BatchState = 'queued' | 'running' | 'stopped' | 'finished';

export interface BatchCounts {
  rows: number;
  pending: number;
  issued: number;
  awaitingApproval: number;
  refused: number;
  failed: number;
  invalid: number;
}

export interface BatchView {
  id: string;
  state: BatchState;
  fileName: string;
  fileSha256: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  counts: BatchCounts;
  rowsPerSecond: number | null;
  trackerIssue?: { number: number; url?: string | null; title?: string } | null;
  links: { rows: string; report: string };
}

/** A recorded row's outcome once the batch ran it (`pending` until then). */
export type BatchRowOutcome =
  'pending' | 'issued' | 'awaiting_approval' | 'refused' | 'failed' | 'invalid';

export interface BatchRow {
  row: number;
  outcome: BatchRowOutcome;
  requestId?: string | null;
  customerEmail: string;
  userCount: number;
  licenseFingerprint?: string | null;
  message?: string | null;
}

export interface BatchRowPage {
  rows: BatchRow[];
  nextCursor: string | null;
}
