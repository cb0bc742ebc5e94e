import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalForToken } from '../../access/api-tokens.js';
import { authenticateConsoleUser } from '../../access/console-accounts.js';
import { closeSession, findSession, openSession } from '../../access/console-sessions.js';
import { ApiError } from '../api-error.js';
import { sessionCookieName } from '../auth/authenticate.js';
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

/** Console sign-in: an API token or a local account opens an httpOnly, SameSite=Strict session. */
export function sessionRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.post(
      '/api/v1/session',
      { schema: { summary: 'Sign in to the console', tags: ['session'], body: signIn } },
      async (request, reply) => {
        const body = request.body;
        const who =
          'token' in body
            ? await principalForToken(ctx.store.db, body.token, ctx.clock.now())
            : await authenticateConsoleUser(ctx.store.db, body.username, body.password).then(
                (user) => user && { name: user.username, role: user.role },
              );
        if (!who)
          throw new ApiError(
            'UNAUTHENTICATED',
            'token' in body ? 'This token is unknown or revoked.' : 'Wrong username or password.',
          );
        const session = await openSession(ctx.store.db, who, ctx.clock.now(), ctx.session.ttlMs);
        void reply.setCookie(sessionCookieName, session.cookieValue, {
          httpOnly: true,
          sameSite: 'strict',
          secure: ctx.session.secureCookies,
          path: '/',
          expires: new Date(session.expiresAt),
        });
        return { user: { name: who.name, role: who.role }, csrfToken: session.csrfToken };
      },
    );
    app.get(
      '/api/v1/session',
      { schema: { summary: 'The signed-in user', tags: ['session'] } },
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
      { schema: { summary: 'Sign out', tags: ['session'] } },
      async (request, reply) => {
        const cookie = request.cookies[sessionCookieName];
        if (cookie) {
          const session = await findSession(ctx.store.db, cookie, ctx.clock.now());
          if (session && request.headers['x-csrf-token'] !== session.csrfToken) {
            throw new ApiError('CSRF_FAILED', 'Sign-out needs the CSRF token; reload the page.');
          }
          await closeSession(ctx.store.db, cookie, ctx.clock.now());
        }
        void reply.clearCookie(sessionCookieName, { path: '/' });
        return reply.status(204).send();
      },
    );
    done();
  };
}
