import { personNameProblem } from './person-name.js';
import { jwtVerify, errors as joseErrors } from 'jose';
import type { Principal } from './principal.js';

export interface ZendeskAppTokenSettings {
  /** The app's secure shared secret. */
  secret: string;
  /** Required `aud`: the Lifeline URL the app is configured with (or LIFELINE_ZENDESK_APP_AUDIENCE). */
  audience: string;
  /** Required `iss`, when configured: the Zendesk account URL, e.g. https://acme.zendesk.com. */
  issuer?: string;
  /** Longest lifetime (`exp` minus now) accepted, in seconds. Default 3600. */
  maxLifetimeSeconds?: number;
}

/**
 * The claims the sidebar app asks Zendesk to sign (`client.request` → `jwt.claims`). Zendesk's
 * proxy adds `iat` and `exp` (from `jwt.expiry`) and signs with the secure setting; the app never
 * sees the secret. Kept here so the app (web/src/sidebar/zendesk-transport.ts) and this check
 * name the same fields.
 */
export const zendeskAppClaim = {
  agentEmail: 'agent_email',
  agentName: 'agent_name',
  ticketId: 'ticket_id',
} as const;

const clockToleranceSeconds = 30;
/** How far ahead of this clock a token's `iat` may be (Zendesk's clock, a little fast). */
const futureIssueLeewaySeconds = 60;
const defaultMaxLifetimeSeconds = 3_600;

/**
 * Verifies the JWT the Zendesk sidebar app sends with each call (`Authorization: Bearer
 * {{jwt.token}}`): HS256 only (no `none`, no RS256 with the secret as a "public key"), a valid
 * signature, an `exp` no further than an hour ahead, the audience, and the issuer when configured.
 * The agent named in `agent_email` becomes the requester.
 *
 * What this proves: the call came through Zendesk's proxy for an installation that holds the
 * secret, so from an agent signed in to that Zendesk. The claims themselves are chosen by the
 * app's code in the agent's browser (Zendesk signs what it is given), so `agent_email` is as
 * trustworthy as the agents of that Zendesk account — which is the audience of this tool anyway.
 *
 * Answers without a principal for anything else; the reason is for logs only (no token content).
 */
export async function principalForZendeskAppToken(
  token: string,
  settings: ZendeskAppTokenSettings,
): Promise<{ principal?: Principal; reason?: string }> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(settings.secret), {
      algorithms: ['HS256'],
      audience: settings.audience,
      ...(settings.issuer && { issuer: settings.issuer }),
      requiredClaims: ['exp'],
      clockTolerance: clockToleranceSeconds,
    });
    // A token "issued" later than now was not made by Zendesk's proxy for this call: refuse it
    // rather than let it live longer than its `exp` suggests.
    if (
      typeof payload.iat === 'number' &&
      payload.iat > Date.now() / 1000 + futureIssueLeewaySeconds
    ) {
      return {
        reason: `the token's iat lies more than ${futureIssueLeewaySeconds} s in the future`,
      };
    }
    const maxLifetime = settings.maxLifetimeSeconds ?? defaultMaxLifetimeSeconds;
    // A long-lived token would work outside Zendesk for that long: the app asks for minutes.
    if (
      typeof payload.exp === 'number' &&
      payload.exp - Date.now() / 1000 > maxLifetime + clockToleranceSeconds
    ) {
      return { reason: `the token is valid for longer than ${maxLifetime} s` };
    }
    const agent = payload[zendeskAppClaim.agentEmail];
    if (
      typeof agent !== 'string' ||
      !/^[^\s@]+@[^\s@]+$/.test(agent.trim()) ||
      personNameProblem(agent.trim()) !== undefined
    ) {
      return {
        reason: `the token has no ${zendeskAppClaim.agentEmail} claim with the agent's email`,
      };
    }
    return {
      principal: {
        kind: 'zendesk',
        name: agent.trim().toLowerCase(),
        role: 'engineer',
        credential: 'Zendesk app',
      },
    };
  } catch (error) {
    const reason = error instanceof joseErrors.JOSEError ? error.code : 'unreadable token';
    return { reason };
  }
}
