import type { FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/cookie';
import { principalForToken } from '../../access/api-tokens.js';
import { findSession } from '../../access/console-sessions.js';
import type { Principal } from '../../access/principal.js';
import { principalForZendeskAppToken } from '../../access/zendesk-app-token.js';
import { ApiError } from '../api-error.js';
import type { HttpContext } from '../http-context.js';

export const sessionCookieName = 'lifeline_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Finds who is calling: `Authorization: Bearer` with an API token or the sidebar app's JWT, or
 * the console's session cookie (which must bring its CSRF token on anything but a read).
 */
export function authenticate(ctx: HttpContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1])
        throw new ApiError('UNAUTHENTICATED', 'Use "Authorization: Bearer <token>".');
      const token = match[1];
      if (token.split('.').length === 3) {
        if (!ctx.zendeskApp) {
          throw new ApiError(
            'UNAUTHENTICATED',
            'The Zendesk app is not configured on this service (LIFELINE_ZENDESK_APP_SECRET).',
          );
        }
        const { principal, reason } = await principalForZendeskAppToken(token, ctx.zendeskApp);
        if (!principal) {
          request.log.warn({ reason }, 'refused a Zendesk app token');
          throw new ApiError(
            'UNAUTHENTICATED',
            'The Zendesk app signature is not valid or has expired; reload the app.',
          );
        }
        request.principal = principal;
        return;
      }
      const principal = await principalForToken(ctx.store.db, token, ctx.clock.now());
      if (!principal)
        throw new ApiError('UNAUTHENTICATED', 'This API token is unknown, revoked or expired.');
      request.principal = principal;
      return;
    }
    const cookie = request.cookies[sessionCookieName];
    if (cookie) {
      const session = await findSession(ctx.store.db, cookie, ctx.clock.now());
      if (session) {
        if (
          !safeMethods.has(request.method) &&
          request.headers['x-csrf-token'] !== session.csrfToken
        ) {
          throw new ApiError(
            'CSRF_FAILED',
            'The form is missing its CSRF token; reload the page and try again.',
          );
        }
        request.principal = session.principal;
        return;
      }
    }
    throw new ApiError(
      'UNAUTHENTICATED',
      'Sign in, or send "Authorization: Bearer <token>" (create one with: lifeline tokens create --name NAME --role engineer).',
    );
  };
}

/** The caller, known by now: the API context authenticates before any handler runs. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (!principal) throw new ApiError('UNAUTHENTICATED', 'Sign in first.');
  return principal;
}
