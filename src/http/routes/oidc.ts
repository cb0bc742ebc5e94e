import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import {
  IdentityProviderUnavailable,
  SignInNotProven,
  type OidcClient,
} from '../../access/oidc-client.js';
import { roleFromClaims, type OidcSettings } from '../../access/oidc-settings.js';
import {
  savePendingSignIn,
  signInWindowMs,
  takePendingSignIn,
} from '../../access/oidc-sign-ins.js';
import { signInWithIdentity } from '../../access/sso-accounts.js';
import { recordAudit } from '../../audit/audit-store.js';
import { sessionCookieName } from '../auth/authenticate.js';
import type { RefusalCode } from '../../refusal.js';
import { answers } from '../answers.js';
import { redirectAnswer, refusedPage, signInOptionsAnswer } from '../answer-schemas.js';
import type { HttpContext } from '../http-context.js';
import { signInRefusedPage } from '../sign-in-refused-page.js';

/** The browser's half of a sign-in under way: proves the callback comes back to who started it. */
const flowCookieName = 'lifeline_oidc';
const flowCookiePath = '/auth/oidc';

/** Browser navigations can still meet a fault or a full disk, answered with the error body. */
const pageRefusals = [
  'INTERNAL',
  'STORAGE_UNAVAILABLE',
  'NOT_READY',
] as const satisfies readonly RefusalCode[];

export interface SingleSignOn {
  client: OidcClient;
  settings: OidcSettings;
}

/**
 * Console single sign-on: `/auth/oidc/start` sends the browser to the identity provider,
 * `/auth/oidc/callback` takes it back, proves the answer and opens a session like a password
 * sign-in does (same cookie, same binding to the account, same audit entries, `with: sso`).
 * Outside /api/v1: these are browser navigations, answered with redirects and pages.
 */
export function oidcRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  const sso = ctx.sso;
  const refuse = (
    reply: FastifyReply,
    status: number,
    sentence: string,
    advice = 'Start again from the sign-in page; if it keeps happening, tell an admin the time it happened.',
  ) =>
    reply.status(status).type('text/html; charset=utf-8').send(signInRefusedPage(sentence, advice));
  const auditFailure = (request: FastifyRequest, reason: string) =>
    recordAudit(
      ctx.store.db,
      { actor: 'unknown', role: 'none', address: request.ip },
      { action: 'session.sign_in_failed', target: 'console', details: { with: 'sso', reason } },
      ctx.clock.now(),
    );

  return (app, _options, done) => {
    app.get(
      '/auth/options',
      {
        schema: {
          summary: 'How the console signs in here',
          tags: ['session'],
          response: answers({ 200: signInOptionsAnswer }, pageRefusals),
        },
      },
      () => ({ sso: sso !== undefined, localAccounts: ctx.localAccounts }),
    );
    app.get(
      '/auth/oidc/start',
      {
        schema: {
          summary: 'Single sign-on: go to the identity provider',
          tags: ['session'],
          response: answers(
            {
              303: redirectAnswer,
              404: refusedPage.describe('Single sign-on is not set up here.'),
              502: refusedPage.describe('The identity provider did not answer.'),
            },
            pageRefusals,
          ),
        },
      },
      async (request, reply) => {
        if (!sso)
          return refuse(
            reply,
            404,
            'Single sign-on is not set up on this Lifeline.',
            'Sign in with your account or an API token instead.',
          );
        let challenge;
        try {
          challenge = await sso.client.challenge();
        } catch (error) {
          if (!(error instanceof IdentityProviderUnavailable)) throw error;
          request.log.warn({ reason: error.message }, 'single sign-on: provider unavailable');
          await auditFailure(request, 'provider unavailable');
          return refuse(
            reply,
            502,
            'The identity provider did not answer, so Lifeline cannot send you to it.',
            'Try again in a minute; if it keeps failing, tell an admin (the service log says why).',
          );
        }
        const browserSecret = randomBytes(32).toString('base64url');
        await savePendingSignIn(ctx.store.db, { ...challenge, browserSecret }, ctx.clock.now());
        // Lax, not Strict: the provider sends the browser back with a cross-site navigation.
        void reply.setCookie(flowCookieName, browserSecret, {
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.session.secureCookies,
          path: flowCookiePath,
          maxAge: signInWindowMs / 1000,
        });
        void reply.header('cache-control', 'no-store');
        return reply.redirect(challenge.authorizationUrl, 303);
      },
    );
    app.get(
      '/auth/oidc/callback',
      {
        schema: {
          summary: 'Single sign-on: back from the identity provider',
          tags: ['session'],
          response: answers(
            {
              303: redirectAnswer.describe('Signed in: to the console.'),
              400: refusedPage.describe(
                'A bad, expired or used state, a declined sign-in, or an answer that proves nothing.',
              ),
              403: refusedPage.describe('The account is disabled, or no group maps to a role.'),
              404: refusedPage.describe('Single sign-on is not set up here.'),
              502: refusedPage.describe('The identity provider did not answer.'),
            },
            pageRefusals,
          ),
        },
      },
      async (request, reply) => {
        void reply.header('cache-control', 'no-store');
        if (!sso)
          return refuse(
            reply,
            404,
            'Single sign-on is not set up on this Lifeline.',
            'Sign in with your account or an API token instead.',
          );
        const query = request.url.includes('?')
          ? request.url.slice(request.url.indexOf('?') + 1)
          : '';
        const state = new URLSearchParams(query).get('state') ?? undefined;
        const now = ctx.clock.now();
        const pending = await takePendingSignIn(
          ctx.store.db,
          state,
          request.cookies[flowCookieName],
          now,
        );
        void reply.clearCookie(flowCookieName, { path: flowCookiePath });
        if (typeof pending === 'string') {
          await auditFailure(request, pending);
          return refuse(
            reply,
            400,
            pending === 'expired'
              ? 'This sign-in took longer than 10 minutes, so Lifeline no longer accepts it.'
              : 'This sign-in was not started from this browser, or was already used, so Lifeline does not accept it.',
          );
        }
        const declined = new URLSearchParams(query).get('error');
        if (declined) {
          // The person cancelled, or the provider would not sign them in for this application.
          await auditFailure(request, `provider answered ${declined.slice(0, 100)}`);
          return refuse(
            reply,
            400,
            `The identity provider did not sign you in (it answered ${declined.slice(0, 100)}).`,
            'Start again from the sign-in page; if the provider refuses you, ask its admin for access to Lifeline.',
          );
        }
        let identity;
        try {
          identity = await sso.client.identify(query, pending);
        } catch (error) {
          if (error instanceof IdentityProviderUnavailable) {
            request.log.warn({ reason: error.message }, 'single sign-on: provider unavailable');
            await auditFailure(request, 'provider unavailable');
            return refuse(
              reply,
              502,
              'The identity provider did not answer, so your sign-in could not be checked.',
              'Try again in a minute; if it keeps failing, tell an admin (the service log says why).',
            );
          }
          if (!(error instanceof SignInNotProven)) throw error;
          request.log.warn({ reason: error.message }, 'single sign-on: answer refused');
          await auditFailure(request, error.message);
          return refuse(
            reply,
            400,
            'The identity provider’s answer did not prove who you are, so Lifeline did not sign you in.',
          );
        }
        const role = roleFromClaims(identity.claims, sso.settings);
        const outcome = await signInWithIdentity(
          ctx.store.db,
          identity,
          role,
          request.ip,
          now,
          ctx.session.ttlMs,
        );
        if (!outcome.ok)
          return outcome.reason === 'account disabled'
            ? refuse(
                reply,
                403,
                `The Lifeline account of ${identity.name} is disabled.`,
                'Ask a Lifeline admin to enable it again.',
              )
            : refuse(
                reply,
                403,
                `${identity.name} is signed in at the identity provider but in none of the groups that give access to Lifeline, so Lifeline did not sign you in.`,
                `Ask your identity provider’s admin to add you to one of: ${sso.settings.roleMap.map((entry) => entry.value).join(', ')}.`,
              );
        void reply.setCookie(sessionCookieName, outcome.session.cookieValue, {
          httpOnly: true,
          sameSite: 'strict',
          secure: ctx.session.secureCookies,
          path: '/',
          expires: new Date(outcome.session.expiresAt),
        });
        return reply.redirect('/', 303);
      },
    );
    done();
  };
}
