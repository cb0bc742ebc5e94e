/**
 * The tables, as kysely sees them. One code path serves SQLite and PostgreSQL, so:
 * ids are text UUIDs, instants are epoch milliseconds (bigint on PostgreSQL, parsed back to
 * numbers), calendar days are `YYYY-MM-DD` text, JSON documents are text, flags are 0/1 integers.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface RequestTable {
  id: string;
  created_at: number;
  updated_at: number;
  /** awaiting_approval | queued | issuing | succeeded | failed | rejected */
  state: string;
  /** Bumped on every change, so the tracker issue can be brought up to date. */
  revision: number;
  ticket_id: string;
  ticket_url: string;
  requested_by: string;
  /** api | console | zendesk | cli | batch */
  origin: string;
  customer_email: string;
  user_count: number;
  /** license_file | screenshots */
  evidence_kind: string;
  note: string | null;
  idempotency_key: string | null;
  /** SHA-256 of the canonical body, to refuse an Idempotency-Key reused for another body. */
  body_fingerprint: string;
  /** The first answer (status + JSON body) for idempotent replays. */
  first_response: string | null;
  /** Identity used to notice repeats: the registrable domain of the email (public ones too). */
  customer_domain: string | null;
  /** The normalised mailbox (normaliseMailbox): what a public provider's customer is known by. */
  customer_mailbox: string | null;
  customer_company: string | null;
  subscription_id: string | null;
  created_on: string;
  failed_step: string | null;
  failure_message: string | null;
  failure_next_action: string | null;
  tracker_issue_number: number | null;
  tracker_issue_url: string | null;
  tracker_issue_title: string | null;
  tracker_issue_state: string | null;
  tracker_synced_revision: number | null;
  /**
   * No longer written: a sync waits while another worker's sync of the request is running
   * (src/requests/steps/sync-tracker-issue.ts). Kept, with no migration, for the processes of
   * the version before that still write it during a rolling upgrade.
   */
  tracker_lock_until: number | null;
  /** After delivery: pending | renewed | lapsed | extended (src/requests/cover.ts); null before. */
  cover_state: string | null;
  /** The day the current temporary license ends (its expires_at). */
  cover_ends_on: string | null;
  /** The recorded renewal (JSON, src/requests/renewal.ts). */
  renewal: string | null;
  /** Extensions made so far (LIFELINE_EXTENSIONS_MAX). */
  extensions: Generated<number>;
}

export interface DecisionTable {
  id: string;
  request_id: string;
  eligible: number;
  policy_version: string;
  decided_on: string;
  /** The whole decision (inputs, settings, rule outcomes), for replay. */
  document: string;
  created_at: number;
}

export interface LicenseTable {
  id: string;
  /** With lineage_index unique: one license per request and lineage position, ever. */
  request_id: string;
  /** 0 for the first license, 1 for the first extension, … */
  lineage_index: Generated<number>;
  text: string;
  fingerprint: string;
  plan: string;
  trial: number;
  user_count: number;
  issued_at: string;
  expires_at: string;
  key_fingerprint: string;
  created_at: number;
}

export interface DeliveryTable {
  id: string;
  request_id: string;
  /** email | tracker | notice | ticket */
  medium: string;
  /** license | resend | issued | failed | sync */
  purpose: string;
  destination: string;
  /** pending | delivered | failed */
  state: string;
  attempts: number;
  last_error: string | null;
  remote_reply: string | null;
  receipt: string | null;
  created_at: number;
  updated_at: number;
}

export interface TimelineEventTable {
  id: Generated<number>;
  request_id: string;
  at: number;
  kind: string;
  message: string;
  actor: string | null;
  data: string | null;
}

export interface TrackerIssueTable {
  number: Generated<number>;
  request_id: string;
  title: string;
  description: string;
  state: string;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

/** Comments on the built-in tracker's issues, one per (issue, key). */
export interface TrackerIssueCommentTable {
  issue_number: number;
  key: string;
  body: string;
  created_at: number;
}

export interface JobTable {
  id: string;
  kind: string;
  /** Null for scheduled work, which belongs to no request (migration 0006). */
  request_id: string | null;
  delivery_id: string | null;
  /** pending | running | succeeded | failed | cancelled */
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  /** Deduplicates enqueues: two jobs can never share a key. */
  unique_key: string | null;
  created_at: number;
  updated_at: number;
}

export interface ApiTokenTable {
  id: string;
  /** Unique: what `tokens revoke NAME` and the audit log name it by. */
  name: string;
  /** The person the token acts as (for a service token: who answers for the integration). */
  owner: string;
  /** engineer | approver | admin | service */
  role: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  expires_at: number | null;
}

export interface ConsoleUserTable {
  id: string;
  username: string;
  /** Empty for accounts that sign in through single sign-on only. */
  password_hash: string;
  role: string;
  created_at: number;
  disabled_at: number | null;
  /** Bumped by every change of password, role or disabling: older sessions no longer match. */
  session_version: number;
  /** local | oidc */
  source: string;
  /** For `oidc` accounts: the identity provider and its subject, which name the person. */
  oidc_issuer: string | null;
  oidc_subject: string | null;
}

/** A single sign-on under way: made by `/auth/oidc/start`, used once by its callback. */
export interface OidcSignInTable {
  /** SHA-256 of the `state` sent to the identity provider. */
  state_hash: string;
  /** SHA-256 of the cookie the flow's browser holds: a callback from another browser is refused. */
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  created_at: number;
  expires_at: number;
}

export interface ConsoleSessionTable {
  /** SHA-256 of the session cookie's value. */
  id: string;
  /** What the admin API and the audit log name the session by (the cookie's hash stays inside). */
  public_id: string;
  person: string;
  role: string;
  /** token | user: the credential the session was opened with, re-checked on every call. */
  credential_kind: string;
  credential_id: string;
  /** The user's session version when the session opened (1 for tokens). */
  credential_version: number;
  csrf_token: string;
  address: string | null;
  created_at: number;
  expires_at: number;
}

/** The hash-chained audit log (src/audit/). */
export interface AuditLogTable {
  seq: number;
  at: number;
  actor: string;
  role: string;
  address: string;
  action: string;
  target: string | null;
  request_id: string | null;
  /** JSON object. */
  details: string;
  prev_hash: string;
  hash: string;
}

/** Failed sign-ins in the current window, per `account:NAME` and per `address:IP`. */
export interface SignInFailureTable {
  key: string;
  window_start: number;
  failures: number;
}

/** One row (id 1): the newest audit entry's number and hash. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** Rate-limit counters shared by every service process. */
export interface RateLimitTable {
  key: string;
  window_start: number;
  count: number;
}

/** A request a guardrail held: who asked, why it waits, until when, and the verdict once given. */
export interface ApprovalTable {
  request_id: string;
  requested_by: string;
  /** JSON: the decision's guardrails. */
  reasons: string;
  created_at: number;
  expires_at: number;
  /** null while waiting; approved | declined | expired */
  verdict: string | null;
  decided_by: string | null;
  reason: string | null;
  decided_at: number | null;
}

/** A remote's circuit, shared by every worker (src/jobs/sql/shared-circuits.ts). */
export interface RemoteCircuitTable {
  remote: string;
  consecutive_failures: number;
  open_until: number | null;
  /** When it opened (migration 0016); kept while it reopens. */
  opened_at: number | null;
  cooldown_ms: number;
  updated_at: number;
  version: number;
}

/** A file of rows run as requests (src/batches/). */
export interface BatchTable {
  id: string;
  /** SHA-256 of the file's content: the same file is the same batch. */
  file_sha256: string;
  file_name: string;
  /** csv | jsonl */
  format: string;
  reason: string;
  /** The approver who started it: every row's requester. */
  created_by: string;
  /** JSON AuditActor: who the rows' request.created entries name. */
  audit_actor: string;
  skip_invalid: number;
  /** queued | running | stopped | finished */
  state: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** Bumped for each run_batch job, which is keyed by it. */
  job_round: Generated<number>;
  tracker_issue_number: number | null;
  tracker_issue_url: string | null;
  notice_posted_at: number | null;
}

export interface BatchRowTable {
  batch_id: string;
  /** The row as a spreadsheet numbers it (the CSV header is row 1), or the JSON line's number. */
  row_number: number;
  /** JSON Submission; null for an invalid row. */
  submission: string | null;
  customer_email: string;
  user_count: number;
  /** JSON [{row, column, message}]; null for a valid row. */
  errors: string | null;
  /** The row's request, once submitted. */
  request_id: string | null;
  /** A row that repeats an earlier row exactly: that row's number (its request is this one's). */
  same_as_row: number | null;
}

export interface Database {
  batches: BatchTable;
  batch_rows: BatchRowTable;
  requests: RequestTable;
  decisions: DecisionTable;
  licenses: LicenseTable;
  deliveries: DeliveryTable;
  timeline_events: TimelineEventTable;
  tracker_issues: TrackerIssueTable;
  tracker_issue_comments: TrackerIssueCommentTable;
  jobs: JobTable;
  api_tokens: ApiTokenTable;
  console_users: ConsoleUserTable;
  console_sessions: ConsoleSessionTable;
  rate_limits: RateLimitTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  sign_in_failures: SignInFailureTable;
  oidc_sign_ins: OidcSignInTable;
  approvals: ApprovalTable;
  remote_circuits: RemoteCircuitTable;
}

export type RequestRow = Selectable<RequestTable>;
export type BatchRow = Selectable<BatchTable>;
export type ApprovalRow = Selectable<ApprovalTable>;
export type NewRequestRow = Insertable<RequestTable>;
export type RequestUpdate = Updateable<RequestTable>;
export type DecisionRow = Selectable<DecisionTable>;
export type LicenseRow = Selectable<LicenseTable>;
export type DeliveryRow = Selectable<DeliveryTable>;
export type TimelineEventRow = Selectable<TimelineEventTable>;
export type TrackerIssueRow = Selectable<TrackerIssueTable>;
export type JobRow = Selectable<JobTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type ConsoleUserRow = Selectable<ConsoleUserTable>;
export type ConsoleSessionRow = Selectable<ConsoleSessionTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
