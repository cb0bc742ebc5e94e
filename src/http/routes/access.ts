import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../access/api-tokens.js';
import {
  authenticateConsoleUser,
  createConsoleUser,
  disableConsoleUser,
  listConsoleUsers,
  updateConsoleUser,
} from '../../access/console-accounts.js';
import { endSession, listSessions } from '../../access/console-sessions.js';
import { roles, type Role } from '../../access/principal.js';
import { recordSignInFailure, signInWaitMs, throttleKeys } from '../../access/sign-in-throttle.js';
import { ApiError } from '../api-error.js';
import { principalOf } from '../auth/authenticate.js';
import { auditActorOf } from '../auth/authorize.js';
import { answers, noContent, refusedCall, refusedWrite } from '../answers.js';
import {
  passwordChangedAnswer,
  sessionListAnswer,
  tokenCreatedAnswer,
  tokenListAnswer,
  userAnswerSchema,
  userListAnswer,
} from '../answer-schemas.js';
import type { HttpContext } from '../http-context.js';

const role = z.enum(roles as [Role, ...Role[]], {
  error: `role must be one of ${roles.join(', ')}`,
});
const idParams = z.object({ id: z.string().min(1).max(200) });

/**
 * The admin's API: tokens (the secret answered once), console users and sessions. Every change
 * ends the sessions it takes access from, in the same transaction, and is in the audit log.
 */
export function accessRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/api/v1/tokens',
      {
        schema: {
          summary: 'API tokens (never their secrets)',
          tags: ['access'],
          response: answers({ 200: tokenListAnswer }, refusedCall),
        },
      },
      async () => ({ items: await listApiTokens(ctx.store.db) }),
    );
    app.post(
      '/api/v1/tokens',
      {
        schema: {
          summary: 'Create an API token; its secret is in this answer only',
          tags: ['access'],
          body: z
            .object({
              name: z.string().trim().min(1, 'name must not be empty').max(120),
              owner: z.string().trim().min(1).max(120).optional(),
              role,
              expiresAt: z.iso.datetime({ error: 'expiresAt must be an ISO date-time' }).optional(),
            })
            .strict(),
          response: answers({ 201: tokenCreatedAnswer }, [...refusedWrite, 'CONFLICT']),
        },
      },
      async (request, reply) => {
        const body = request.body;
        const created = await createApiToken(
          ctx.store.db,
          {
            name: body.name,
            role: body.role,
            ...(body.owner && { owner: body.owner }),
            ...(body.expiresAt && { expiresAt: Date.parse(body.expiresAt) }),
          },
          ctx.clock.now(),
          auditActorOf(request),
        );
        return reply.status(201).send({
          id: created.id,
          name: created.name,
          owner: created.owner,
          role: body.role,
          expiresAt: body.expiresAt ?? null,
          token: created.token,
        });
      },
    );
    app.delete(
      '/api/v1/tokens/:id',
      {
        schema: {
          summary: 'Revoke a token and end its sessions',
          tags: ['access'],
          params: idParams,
          response: answers({ 204: noContent }, [...refusedWrite, 'NOT_FOUND', 'CONFLICT']),
        },
      },
      async (request, reply) => {
        await revokeApiToken(
          ctx.store.db,
          request.params.id,
          ctx.clock.now(),
          auditActorOf(request),
        );
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/v1/users',
      {
        schema: {
          summary: 'Console accounts',
          tags: ['access'],
          response: answers({ 200: userListAnswer }, refusedCall),
        },
      },
      async () => ({ items: await listConsoleUsers(ctx.store.db) }),
    );
    app.post(
      '/api/v1/users',
      {
        schema: {
          summary: 'Create a local console account',
          tags: ['access'],
          body: z
            .object({
              username: z.string().trim().min(1, 'username must not be empty').max(120),
              password: z.string().max(500),
              role,
            })
            .strict(),
          response: answers({ 201: userAnswerSchema }, [...refusedWrite, 'CONFLICT']),
        },
      },
      async (request, reply) => {
        const body = request.body;
        const user = await createConsoleUser(
          ctx.store.db,
          body.username,
          body.password,
          body.role,
          ctx.clock.now(),
          auditActorOf(request),
        );
        return reply.status(201).send(user);
      },
    );
    app.patch(
      '/api/v1/users/:id',
      {
        schema: {
          summary: 'Change an account’s role or password; its sessions end',
          tags: ['access'],
          params: idParams,
          body: z
            .object({ role: role.optional(), password: z.string().max(500).optional() })
            .strict(),
          response: answers({ 200: userAnswerSchema }, [...refusedWrite, 'NOT_FOUND', 'CONFLICT']),
        },
      },
      async (request) =>
        updateConsoleUser(
          ctx.store.db,
          request.params.id,
          {
            ...(request.body.role && { role: request.body.role }),
            ...(request.body.password !== undefined && { password: request.body.password }),
          },
          ctx.clock.now(),
          auditActorOf(request),
        ),
    );
    app.delete(
      '/api/v1/users/:id',
      {
        schema: {
          summary: 'Disable an account and end its sessions',
          tags: ['access'],
          params: idParams,
          response: answers({ 200: userAnswerSchema }, [...refusedWrite, 'NOT_FOUND', 'CONFLICT']),
        },
      },
      async (request) =>
        disableConsoleUser(ctx.store.db, request.params.id, ctx.clock.now(), auditActorOf(request)),
    );

    app.get(
      '/api/v1/sessions',
      {
        schema: {
          summary: 'Open console sessions',
          tags: ['access'],
          response: answers({ 200: sessionListAnswer }, refusedCall),
        },
      },
      async () => ({ items: await listSessions(ctx.store.db, ctx.clock.now()) }),
    );
    app.delete(
      '/api/v1/sessions/:id',
      {
        schema: {
          summary: 'End a console session',
          tags: ['access'],
          params: idParams,
          response: answers({ 204: noContent }, [...refusedWrite, 'NOT_FOUND']),
        },
      },
      async (request, reply) => {
        await endSession(ctx.store.db, request.params.id, ctx.clock.now(), auditActorOf(request));
        return reply.status(204).send();
      },
    );
    app.post(
      '/api/v1/account/password',
      {
        schema: {
          summary: 'Change your own password (ends your sessions: sign in again with the new one)',
          tags: ['access'],
          body: z
            .object({
              currentPassword: z.string().min(1).max(500),
              newPassword: z.string().min(1).max(500),
            })
            .strict(),
          response: answers({ 200: passwordChangedAnswer }, refusedWrite),
        },
      },
      async (request) => {
        const principal = principalOf(request);
        if (principal.kind !== 'session' || principal.credential !== `user ${principal.name}`)
          throw new ApiError(
            'VALIDATION_FAILED',
            'Only a console account signed in with its password has one to change; a token or single sign-on has none here.',
          );
        // The current password is a guess like any sign-in: counted by the same throttle.
        const now = ctx.clock.now();
        const keys = throttleKeys(request.ip, principal.name);
        if ((await signInWaitMs(ctx.store.db, keys, now)) > 0)
          throw new ApiError(
            'RATE_LIMITED',
            'Too many wrong passwords for this account: try again in a few minutes.',
          );
        const user = await authenticateConsoleUser(
          ctx.store.db,
          principal.name,
          request.body.currentPassword,
        );
        if (!user) {
          await recordSignInFailure(ctx.store.db, keys, now);
          throw new ApiError('FORBIDDEN', 'The current password is not right.');
        }
        await updateConsoleUser(
          ctx.store.db,
          user.id,
          { password: request.body.newPassword },
          now,
          auditActorOf(request),
        );
        return { changed: true, signInAgain: true };
      },
    );
    done();
  };
}
