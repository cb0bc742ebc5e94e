/** Who is calling: an API token, the Zendesk sidebar app on behalf of an agent, or a console session. */
export type Role = 'engineer' | 'admin';

export interface Principal {
  kind: 'token' | 'zendesk' | 'session';
  /** The engineer (or the token's name): recorded as who asked. */
  name: string;
  role: Role;
}

export const roles: readonly Role[] = ['engineer', 'admin'];
