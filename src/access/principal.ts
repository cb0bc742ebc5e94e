/**
 * Who is calling: an API token, the Zendesk sidebar app on behalf of an agent, or a console
 * session. The roles (README, "Roles"):
 * - engineer: check eligibility, create requests for themselves, see requests, download a
 *   license, resend it to the request's own customer address, retry;
 * - approver: the licensing team: everything an engineer may, plus resending to another address
 *   and reading the audit log;
 * - admin: tokens, users, sessions, settings; not a licensing role by itself;
 * - service: an integration acting for people, the only caller that may name the person it acts
 *   for (`requestedBy`), recorded as "PERSON via TOKEN".
 */
export type Role = 'engineer' | 'approver' | 'admin' | 'service';

export const roles: readonly Role[] = ['engineer', 'approver', 'admin', 'service'];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

export interface Principal {
  kind: 'token' | 'zendesk' | 'session';
  /** The person: a token's owner, the console user, the Zendesk agent. Recorded as who asked. */
  name: string;
  role: Role;
  /** What proved it, for the audit log: `token NAME`, `user NAME`, `Zendesk app`. */
  credential: string;
  /** The API token's unique name, when a token (or a session opened with one) is calling. */
  tokenName?: string;
}
