import type { Role } from './principal.js';

/** The console's single sign-on, as configured (src/config.ts reads it). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Absent: a public client, which proves itself with PKCE alone. */
  clientSecret?: string;
  /** Where the provider sends the browser back: `/auth/oidc/callback` of the public URL. */
  redirectUrl: string;
  scopes: string;
  /** The claim holding the person's groups or roles; dots reach into objects (`realm_access.roles`). */
  roleClaim: string;
  /** In the configured order: the first value the person's claim holds decides their role. */
  roleMap: readonly { value: string; role: SsoRole }[];
}

/** A person signs in through SSO; an integration (`service`) uses a token. */
export type SsoRole = Exclude<Role, 'service'>;
const ssoRoles: readonly string[] = ['engineer', 'approver', 'admin'];

/**
 * `lifeline-engineers=engineer,licensing=approver` → the map; throws a sentence naming what is
 * wrong. A value may hold `=` (the last one separates the role), never a comma.
 */
export function parseRoleMap(text: string): OidcSettings['roleMap'] {
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (entries.length === 0) throw new Error('give at least one VALUE=ROLE pair');
  return entries.map((entry) => {
    const cut = entry.lastIndexOf('=');
    const value = cut > 0 ? entry.slice(0, cut).trim() : '';
    const role = cut > 0 ? entry.slice(cut + 1).trim() : '';
    if (!value || !role) throw new Error(`"${entry}" is not VALUE=ROLE`);
    if (!ssoRoles.includes(role))
      throw new Error(
        `"${entry}": the role must be engineer, approver or admin (a service uses a token, not SSO)`,
      );
    return { value, role: role as SsoRole };
  });
}

/**
 * The role the person's claims give them: the first map entry whose value the claim holds (a
 * string, or a list of them). Undefined: no mapped value, so no access.
 */
export function roleFromClaims(
  claims: Readonly<Record<string, unknown>>,
  settings: Pick<OidcSettings, 'roleClaim' | 'roleMap'>,
): SsoRole | undefined {
  const held = claimValues(claims, settings.roleClaim);
  return settings.roleMap.find((entry) => held.includes(entry.value))?.role;
}

function claimValues(claims: Readonly<Record<string, unknown>>, path: string): string[] {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** Whether the claim is there at all: when the ID token lacks it, the userinfo answer may hold it. */
export function hasClaim(claims: Readonly<Record<string, unknown>>, path: string): boolean {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return value !== undefined;
}

/** A provider on this machine: the only one plain http is allowed for (tests, a local setup). */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
