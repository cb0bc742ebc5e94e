import type { Role } from './principal.js';

/**
 * Who may call what: the one table the API enforces (src/http/auth/authorize.ts), the README's
 * roles table and the `/docs` page are made from. Every route under /api/v1 must be listed; the
 * app refuses to start with one that is not.
 */
export interface RouteAccess {
  roles: readonly Role[];
  /** What the route does, as the end of "Your role may not …". */
  what: string;
}

const licensing: readonly Role[] = ['engineer', 'approver', 'service'];
const adminOnly: readonly Role[] = ['admin'];

export const routeAccess = {
  'POST /api/v1/eligibility': { roles: licensing, what: 'check a request against the policy' },
  'POST /api/v1/requests': { roles: licensing, what: 'create requests' },
  'GET /api/v1/requests': { roles: licensing, what: 'see requests' },
  'GET /api/v1/requests/:id': { roles: licensing, what: 'see requests' },
  'GET /api/v1/requests/:id/license': { roles: licensing, what: 'download a license' },
  'POST /api/v1/requests/:id/resend': {
    roles: licensing,
    what: 'resend a license (to the request’s own address or domain; elsewhere, or past the resend limit: approver)',
  },
  'POST /api/v1/requests/:id/retry': { roles: licensing, what: 'retry a request' },
  'POST /api/v1/requests/:id/renewal': {
    roles: licensing,
    what: 'record a renewal (with the customer’s license file; without it: approver)',
  },
  'POST /api/v1/requests/:id/extension': {
    roles: ['approver'],
    what: 'extend a request’s cover with a new temporary license',
  },
  'POST /api/v1/requests/:id/approve': {
    roles: ['approver'],
    what: 'approve a request a guardrail holds',
  },
  'POST /api/v1/requests/:id/decline': {
    roles: ['approver'],
    what: 'decline a request a guardrail holds',
  },
  'GET /api/v1/tracker/issues': { roles: licensing, what: 'see tracker issues' },
  'GET /api/v1/tracker/issues/:number': { roles: licensing, what: 'see tracker issues' },
  'POST /api/v1/licenses/inspect': { roles: licensing, what: 'inspect licenses' },
  'POST /api/v1/licenses/preflight': {
    roles: licensing,
    what: 'check a license against GitLab’s upload rules',
  },
  'GET /api/v1/audit': { roles: ['approver', 'admin'], what: 'read the audit log' },
  'GET /api/v1/handoff': { roles: ['approver'], what: 'read the hand-off digest' },
  'GET /api/v1/dashboard': { roles: ['engineer', 'approver'], what: 'read the dashboard' },
  'POST /api/v1/batches': {
    roles: ['engineer', 'approver'],
    what: 'check a batch file (a dry run; running it: approver)',
  },
  'GET /api/v1/batches': { roles: licensing, what: 'see batches' },
  'GET /api/v1/batches/:id': { roles: licensing, what: 'see batches' },
  'GET /api/v1/batches/:id/rows': { roles: licensing, what: 'see batches' },
  'GET /api/v1/batches/:id/report.csv': { roles: licensing, what: 'see batches' },
  'POST /api/v1/batches/:id/stop': { roles: ['approver'], what: 'stop a batch' },
  'POST /api/v1/batches/:id/resume': { roles: ['approver'], what: 'resume a batch' },
  'GET /api/v1/tokens': { roles: adminOnly, what: 'list API tokens' },
  'POST /api/v1/tokens': { roles: adminOnly, what: 'create API tokens' },
  'DELETE /api/v1/tokens/:id': { roles: adminOnly, what: 'revoke API tokens' },
  'GET /api/v1/users': { roles: adminOnly, what: 'list console users' },
  'POST /api/v1/users': { roles: adminOnly, what: 'create console users' },
  'PATCH /api/v1/users/:id': { roles: adminOnly, what: 'change a user’s role or password' },
  'DELETE /api/v1/users/:id': { roles: adminOnly, what: 'disable console users' },
  'POST /api/v1/account/password': {
    roles: ['engineer', 'approver', 'admin'],
    what: 'change their own password',
  },
  'GET /api/v1/sessions': { roles: adminOnly, what: 'list console sessions' },
  'DELETE /api/v1/sessions/:id': { roles: adminOnly, what: 'end console sessions' },
} as const satisfies Record<string, RouteAccess>;

export type RouteKey = keyof typeof routeAccess;

/** Decisions inside a route, beyond the route itself. */
export const actionAccess = {
  /** Resending a license outside the request's own address and (company) domain. */
  resendElsewhere: {
    roles: ['approver'],
    what: 'resend a license to another address than the request’s own address or domain',
  },
  /** Resending one request's license more often than LIFELINE_RESEND_LIMIT. */
  resendBeyondLimit: {
    roles: ['approver'],
    what: 'resend a license more often than the resend limit (LIFELINE_RESEND_LIMIT)',
  },
  /** Marking a renewal done without the customer's license file, with a reason. */
  markRenewed: { roles: ['approver'], what: 'mark a renewal done without the license file' },
  /** Running a batch file: every row becomes a request, asked by the approver with a reason. */
  runBatch: { roles: ['approver'], what: 'run a batch (its dry run: engineer too)' },
  /** Naming, in `requestedBy`, the person a call is made for. */
  actForSomeone: { roles: ['service'], what: 'name another person in requestedBy' },
} as const satisfies Record<string, RouteAccess>;

export function allows(access: RouteAccess, role: Role): boolean {
  return access.roles.includes(role);
}

/** The 403 sentence for a refused caller. */
export function refusal(access: RouteAccess, role: Role): string {
  const needed = access.roles.join(', ').replace(/, ([^,]*)$/, ' or $1');
  return `Your role (${role}) may not ${access.what}: this needs ${needed}.`;
}

/** The roles table as Markdown, for the OpenAPI description at /docs and the README. */
export function rolesTableMarkdown(): string {
  const rows = Object.entries(routeAccess).map(
    ([route, access]) => `| \`${route}\` | ${access.roles.join(', ')} |`,
  );
  const extra = Object.values(actionAccess).map(
    (access) => `| ${access.what} | ${access.roles.join(', ')} |`,
  );
  return ['| route or action | roles |', '|---|---|', ...rows, ...extra].join('\n');
}
