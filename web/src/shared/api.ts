import type {
  AuditPage,
  AuditQuery,
  Dashboard,
  BatchInput,
  BatchRowOutcome,
  BatchRowPage,
  BatchView,
  DryRunReport,
  HandoffDigest,
  ApiErrorBody,
  ConsoleUser,
  ConsoleSession,
  CreatedToken,
  TokenView,
  Decision,
  InspectAnswer,
  PreflightAnswer,
  RequestDetail,
  RequestPage,
  RequestQuery,
  SessionAnswer,
  SignInOptions,
  SubmissionInput,
  SubmitAnswer,
} from './api-types.js';

/** One HTTP exchange with Lifeline: `fetch` in the console, Zendesk's `client.request` in the sidebar. */
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export type Transport = (request: {
  method: Method;
  /** From `/api/v1/…`, with its query string. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}) => Promise<{ status: number; body: unknown }>;

/** An answer that is not what was asked for: the API's error, or no answer at all (status 0). */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof (body as ApiErrorBody).error?.message === 'string'
  );
}

/** The calls the console and the sidebar make, over whichever transport they have. */
export class LifelineApi {
  constructor(private readonly transport: Transport) {}

  private async call<T>(
    method: Method,
    path: string,
    body?: unknown,
    accept: number[] = [],
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }> {
    let answer: { status: number; body: unknown };
    try {
      answer = await this.transport({
        method,
        path,
        ...(body !== undefined && { body }),
        ...(headers && { headers }),
      });
    } catch (error) {
      if (error instanceof ApiFailure) throw error;
      throw new ApiFailure(
        0,
        'UNREACHABLE',
        `Lifeline could not be reached (${error instanceof Error ? error.message : String(error)}). Check the connection and try again.`,
      );
    }
    if ((answer.status >= 200 && answer.status < 300) || accept.includes(answer.status)) {
      return { status: answer.status, body: answer.body as T };
    }
    if (isErrorBody(answer.body)) {
      const { code, message, details } = answer.body.error;
      throw new ApiFailure(answer.status, code, message, details);
    }
    throw new ApiFailure(
      answer.status,
      'UNEXPECTED',
      `Lifeline answered with HTTP ${answer.status}.`,
    );
  }

  async checkEligibility(submission: SubmissionInput): Promise<Decision> {
    return (await this.call<Decision>('POST', '/api/v1/eligibility', submission)).body;
  }

  /** Eligible: 202 and the work starts; not eligible: 422, recorded with its decision. */
  async submitRequest(
    submission: SubmissionInput,
    idempotencyKey?: string,
  ): Promise<SubmitAnswer & { accepted: boolean }> {
    const answer = await this.call<SubmitAnswer>(
      'POST',
      '/api/v1/requests',
      submission,
      [422],
      idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
    );
    return { ...answer.body, accepted: answer.status === 202 };
  }

  async getRequest(id: string): Promise<RequestDetail> {
    return (await this.call<RequestDetail>('GET', `/api/v1/requests/${encodeURIComponent(id)}`))
      .body;
  }

  async listRequests(query: RequestQuery = {}): Promise<RequestPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    return (await this.call<RequestPage>('GET', `/api/v1/requests${search ? `?${search}` : ''}`))
      .body;
  }

  async resend(id: string, email?: string): Promise<void> {
    await this.call(
      'POST',
      `/api/v1/requests/${encodeURIComponent(id)}/resend`,
      email ? { email } : {},
    );
  }

  /** Records the renewal: the customer's new license file, or (approvers) a reason without one. */
  async recordRenewal(
    id: string,
    body: { licenseFile: string } | { reason: string },
  ): Promise<void> {
    await this.call('POST', `/api/v1/requests/${encodeURIComponent(id)}/renewal`, body);
  }

  /** Extends a waiting cover with a new temporary license (approvers, not the requester). */
  async extendCover(id: string, body: { reason: string; userCount?: number }): Promise<void> {
    await this.call('POST', `/api/v1/requests/${encodeURIComponent(id)}/extension`, body);
  }

  /** An approver's verdict on a request a guardrail holds (never the requester's own). */
  async settle(id: string, verb: 'approve' | 'decline', reason: string): Promise<void> {
    await this.call('POST', `/api/v1/requests/${encodeURIComponent(id)}/${verb}`, { reason });
  }

  async retry(id: string): Promise<void> {
    await this.call('POST', `/api/v1/requests/${encodeURIComponent(id)}/retry`, {});
  }

  async inspectLicense(license: string): Promise<InspectAnswer> {
    return (await this.call<InspectAnswer>('POST', '/api/v1/licenses/inspect', { license })).body;
  }

  async preflightLicense(body: {
    license: string;
    maximumUsers: number;
    billableUsers?: number;
    gitlabTimeZone?: string;
    serverTimeZone?: string;
  }): Promise<PreflightAnswer> {
    return (await this.call<PreflightAnswer>('POST', '/api/v1/licenses/preflight', body)).body;
  }

  async session(): Promise<SessionAnswer> {
    return (await this.call<SessionAnswer>('GET', '/api/v1/session')).body;
  }

  /** Single sign-on offered, password sign-in allowed: outside /api/v1, asked before signing in. */
  async signInOptions(): Promise<SignInOptions> {
    return (await this.call<SignInOptions>('GET', '/auth/options')).body;
  }

  async signIn(
    credentials: { token: string } | { username: string; password: string },
  ): Promise<SessionAnswer> {
    return (await this.call<SessionAnswer>('POST', '/api/v1/session', credentials)).body;
  }

  async changeOwnPassword(body: { currentPassword: string; newPassword: string }): Promise<void> {
    await this.call('POST', '/api/v1/account/password', body);
  }

  async signOut(): Promise<void> {
    await this.call('DELETE', '/api/v1/session');
  }

  // The admin's calls: tokens, users, sessions.
  async listTokens(): Promise<TokenView[]> {
    return (await this.call<{ items: TokenView[] }>('GET', '/api/v1/tokens')).body.items;
  }

  async createToken(input: {
    name: string;
    owner?: string;
    role: string;
    expiresAt?: string;
  }): Promise<CreatedToken> {
    return (await this.call<CreatedToken>('POST', '/api/v1/tokens', input)).body;
  }

  async revokeToken(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
  }

  async listUsers(): Promise<ConsoleUser[]> {
    return (await this.call<{ items: ConsoleUser[] }>('GET', '/api/v1/users')).body.items;
  }

  async createUser(input: { username: string; password: string; role: string }): Promise<void> {
    await this.call('POST', '/api/v1/users', input);
  }

  async updateUser(id: string, change: { role?: string; password?: string }): Promise<void> {
    await this.call('PATCH', `/api/v1/users/${encodeURIComponent(id)}`, change);
  }

  async disableUser(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/users/${encodeURIComponent(id)}`);
  }

  async listSessions(): Promise<ConsoleSession[]> {
    return (await this.call<{ items: ConsoleSession[] }>('GET', '/api/v1/sessions')).body.items;
  }

  async endSession(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/sessions/${encodeURIComponent(id)}`);
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    return (await this.call<AuditPage>('GET', `/api/v1/audit${search ? `?${search}` : ''}`)).body;
  }

  async handoff(since?: string): Promise<HandoffDigest> {
    const search = since ? `?${new URLSearchParams({ since }).toString()}` : '';
    return (await this.call<HandoffDigest>('GET', `/api/v1/handoff${search}`)).body;
  }

  async dashboard(since: string): Promise<Dashboard> {
    const search = new URLSearchParams({ since }).toString();
    return (await this.call<Dashboard>('GET', `/api/v1/dashboard?${search}`)).body;
  }

  // Batches: many requests from one file, when the licensing back office is down for everyone.
  /** Every row decided as a single request would be, nothing recorded. */
  async dryRunBatch(input: BatchInput): Promise<DryRunReport> {
    return (await this.call<DryRunReport>('POST', '/api/v1/batches?dryRun=true', input)).body;
  }

  /** Records the batch and its rows and starts issuing (approvers). */
  async startBatch(input: BatchInput): Promise<BatchView> {
    return (await this.call<BatchView>('POST', '/api/v1/batches', input)).body;
  }

  async getBatch(id: string): Promise<BatchView> {
    return (await this.call<BatchView>('GET', `/api/v1/batches/${encodeURIComponent(id)}`)).body;
  }

  async listBatches(): Promise<BatchView[]> {
    return (await this.call<{ items: BatchView[] }>('GET', '/api/v1/batches')).body.items;
  }

  async listBatchRows(
    id: string,
    query: { outcome?: BatchRowOutcome; cursor?: string } = {},
  ): Promise<BatchRowPage> {
    const params = new URLSearchParams();
    if (query.outcome) params.set('outcome', query.outcome);
    if (query.cursor) params.set('cursor', query.cursor);
    const search = params.toString();
    return (
      await this.call<BatchRowPage>(
        'GET',
        `/api/v1/batches/${encodeURIComponent(id)}/rows${search ? `?${search}` : ''}`,
      )
    ).body;
  }

  /** Stops a running batch after the rows in hand, or resumes a stopped one (approvers). */
  async steerBatch(id: string, verb: 'stop' | 'resume'): Promise<void> {
    await this.call('POST', `/api/v1/batches/${encodeURIComponent(id)}/${verb}`, {});
  }
}
