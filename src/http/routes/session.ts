import type { FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { activeToken } from '../../access/api-tokens.js';
import { authenticateConsoleUser } from '../../access/console-accounts.js';
import {
  closeSession,
  findSession,
  openSession,
  type SessionCredential,
} from '../../access/console-sessions.js';
import type { Role } from '../../access/principal.js';
import {
  clearAccountFailures,
  recordSignInFailure,
  signInWaitMs,
  throttleKeys,
} from '../../access/sign-in-throttle.js';
import { recordAudit } from '../../audit/audit-store.js';
import { ApiError } from '../api-error.js';
import { sessionCookieName } from '../auth/authenticate.js';
import type { RefusalCode } from '../../refusal.js';
import { answers, noContent } from '../answers.js';
import { signedInAnswer } from '../answer-schemas.js';
import type { HttpContext } from '../http-context.js';

const signIn = z.union(
  [
    z.object({ token: z.string().min(1) }).strict(),
    z
      .object({ username: z.string().min(1).max(120), password: z.string().min(1).max(500) })
      .strict(),
  ],
  { error: 'Send either {token} or {username, password}.' },
);

/** Sign-in is outside the authenticated API: no rate limit by caller, its own throttle. */
const signInRefusals = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'INTERNAL',
  'STORAGE_UNAVAILABLE',
  'NOT_READY',
] as const satisfies readonly RefusalCode[];

interface SignedIn {
  person: string;
  role: Role;
  credential: SessionCredential;
}

/**
 * Console sign-in: an API token or a local account opens an httpOnly, SameSite=Strict session,
 * bound to that credential. Every sign-in, failed sign-in and sign-out is in the audit log.
 */
export function sessionRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  const audit = (
    request: FastifyRequest,
    actor: string,
    role: string,
    action: 'session.signed_in' | 'session.sign_in_failed' | 'session.signed_out',
    details: Record<string, unknown>,
  ) =>
    recordAudit(
      ctx.store.db,
      { actor, role, address: request.ip },
      { action, target: `console`, details },
      ctx.clock.now(),
    );

  return (app, _options, done) => {
    app.post(
      '/api/v1/session',
      {
        schema: {
          summary: 'Sign in to the console',
          tags: ['session'],
          body: signIn,
          response: answers({ 200: signedInAnswer }, [
            ...signInRefusals,
            'INVALID_JSON',
            'PAYLOAD_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
          ]),
        },
      },
      async (request, reply) => {
        const body = request.body;
        const now = ctx.clock.now();
        if ('username' in body && !ctx.localAccounts) {
          await audit(request, body.username, 'none', 'session.sign_in_failed', {
            with: 'password',
            reason: 'local accounts off',
          });
          throw new ApiError(
            'FORBIDDEN',
            'Password sign-in is turned off on this Lifeline (LIFELINE_LOCAL_ACCOUNTS=off): sign in with single sign-on.',
          );
        }
        const keys = throttleKeys(request.ip, 'username' in body ? body.username : undefined);
        const waitMs = await signInWaitMs(ctx.store.db, keys, now);
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          await audit(
            request,
            'username' in body ? body.username : 'unknown token',
            'none',
            'session.sign_in_failed',
            { with: 'token' in body ? 'token' : 'password', reason: 'throttled' },
          );
          void reply.header('retry-after', seconds);
          throw new ApiError(
            'RATE_LIMITED',
            `Too many failed sign-ins from here or for this account: try again in ${Math.ceil(seconds / 60)} min.`,
          );
        }
        let who: SignedIn | undefined;
        if ('token' in body) {
          const token = await activeToken(ctx.store.db, body.token, now);
          if (token?.role === 'service') {
            await audit(request, token.owner, token.role, 'session.sign_in_failed', {
              with: `token ${token.name}`,
              reason: 'service token',
            });
            throw new ApiError(
              'FORBIDDEN',
              'A service token is for an integration, not for the console: sign in with your own account or token.',
            );
          }
          if (token)
            who = {
              person: token.owner || token.name,
              role: token.role,
              credential: { kind: 'token', id: token.id, name: token.name },
            };
        } else {
          const user = await authenticateConsoleUser(ctx.store.db, body.username, body.password);
          // An account given the service role before it was refused for accounts.
          if (user?.role === 'service') {
            await audit(request, user.username, user.role, 'session.sign_in_failed', {
              with: 'password',
              reason: 'service role',
            });
            throw new ApiError(
              'FORBIDDEN',
              'The service role is for an integration’s API token, not for the console: ask an admin to give this account engineer, approver or admin.',
            );
          }
          if (user)
            who = {
              person: user.username,
              role: user.role,
              credential: {
                kind: 'user',
                id: user.id,
                username: user.username,
                version: user.sessionVersion,
              },
            };
        }
        if (!who) {
          await recordSignInFailure(ctx.store.db, keys, now);
          await audit(
            request,
            'token' in body ? 'unknown token' : body.username,
            'none',
            'session.sign_in_failed',
            { with: 'token' in body ? 'token' : 'password' },
          );
          throw new ApiError(
            'UNAUTHENTICATED',
            'token' in body
              ? 'This token is unknown, revoked or expired.'
              : 'Wrong username or password.',
          );
        }
        await clearAccountFailures(ctx.store.db, keys);
        const session = await openSession(
          ctx.store.db,
          { ...who, address: request.ip },
          now,
          ctx.session.ttlMs,
        );
        await audit(request, who.person, who.role, 'session.signed_in', {
          with: who.credential.kind === 'token' ? `token ${who.credential.name}` : 'password',
          session: session.publicId,
        });
        void reply.setCookie(sessionCookieName, session.cookieValue, {
          httpOnly: true,
          sameSite: 'strict',
          secure: ctx.session.secureCookies,
          path: '/',
          expires: new Date(session.expiresAt),
        });
        return { user: { name: who.person, role: who.role }, csrfToken: session.csrfToken };
      },
    );
    app.get(
      '/api/v1/session',
      {
        schema: {
          summary: 'The signed-in user',
          tags: ['session'],
          response: answers({ 200: signedInAnswer }, signInRefusals),
        },
      },
      async (request) => {
        const cookie = request.cookies[sessionCookieName];
        const session = cookie
          ? await findSession(ctx.store.db, cookie, ctx.clock.now())
          : undefined;
        if (!session) throw new ApiError('UNAUTHENTICATED', 'Not signed in.');
        return {
          user: { name: session.principal.name, role: session.principal.role },
          csrfToken: session.csrfToken,
        };
      },
    );
    app.delete(
      '/api/v1/session',
      {
        schema: {
          summary: 'Sign out',
          tags: ['session'],
          response: answers({ 204: noContent }, [
            ...signInRefusals,
            'CSRF_FAILED',
            'INVALID_JSON',
            'PAYLOAD_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
          ]),
        },
      },
      async (request, reply) => {
        const cookie = request.cookies[sessionCookieName];
        if (cookie) {
          const session = await findSession(ctx.store.db, cookie, ctx.clock.now());
          if (session && request.headers['x-csrf-token'] !== session.csrfToken) {
            throw new ApiError('CSRF_FAILED', 'Sign-out needs the CSRF token; reload the page.');
          }
          await closeSession(ctx.store.db, cookie, ctx.clock.now());
          if (session)
            await audit(
              request,
              session.principal.name,
              session.principal.role,
              'session.signed_out',
              {
                session: session.publicId,
              },
            );
        }
        void reply.clearCookie(sessionCookieName, { path: '/' });
        return reply.status(204).send();
      },
    );
    done();
  };
}
