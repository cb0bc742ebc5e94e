import { existsSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError } from 'fastify';
import {
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { errorBody } from './api-error.js';
import { checkAnswers } from './answer-check.js';
import { refusalCodesMarkdown } from './answers.js';
import { rolesTableMarkdown } from '../access/permissions.js';
import { authenticate } from './auth/authenticate.js';
import { authorize, documentAccess } from './auth/authorize.js';
import { rateLimit } from './auth/rate-limit.js';
import { handleError } from './error-handler.js';
import { refuseNulCharacters } from './refuse-nul.js';
import type { HttpContext } from './http-context.js';
import { accessRoutes } from './routes/access.js';
import { auditRoutes } from './routes/audit.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { batchRoutes } from './routes/batches.js';
import { handoffRoutes } from './routes/handoff.js';
import { eligibilityRoutes } from './routes/eligibility.js';
import { healthRoutes } from './routes/health.js';
import { licenseRoutes } from './routes/licenses.js';
import { requestRoutes } from './routes/requests.js';
import { coverRoutes } from './routes/cover.js';
import { oidcRoutes } from './routes/oidc.js';
import { sessionRoutes } from './routes/session.js';
import { trackerRoutes } from './routes/tracker.js';

/**
 * Builds the HTTP app (not listening: `listen` is the caller's), so tests can `inject` into it.
 * Encapsulation: the API routes live in one child context whose hooks authenticate and rate
 * limit; health, docs, sign-in and the console's static files sit outside it.
 */
export type HttpApp = Awaited<ReturnType<typeof buildHttpApp>>;

export async function buildHttpApp(ctx: HttpContext) {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: 256 * 1024,
    trustProxy: ctx.trustedProxies ?? false,
    genReqId: () => crypto.randomUUID(),
    // A malformed address (/api/v1/requests/%ZZ) is refused before routing, where the error
    // handler does not run: answered in the API's error shape all the same.
    frameworkErrors: (error, request, reply) => void handleError(error, request, reply),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the answers (and tests hold answers to them, below); serializing
  // stays JSON.stringify, so declaring a schema never changes what goes on the wire.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  if (ctx.undeclaredAnswer) app.addHook('onSend', checkAnswers(ctx.undeclaredAnswer));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    ctx.storage.noteError(error);
    return handleError(error, request, reply);
  });
  app.addHook('preValidation', refuseNulCharacters);
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(
        errorBody('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`),
      ),
  );

  // Over plain HTTP (a deployment without TLS in front, or one whose proxy speaks plain HTTP
  // to the browser), asking the browser to upgrade its requests to https leaves the console a
  // blank page, and HSTS would lock the host name out: both only when the public URL is https.
  const https = ctx.publicUrl?.startsWith('https:') ?? false;
  await app.register(fastifyHelmet, {
    hsts: https ? { maxAge: 31_536_000 } : false,
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: https ? [] : null,
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Lifeline API',
        version: '1',
        description: `Emergency GitLab licenses for customers whose paid license just ran out. Authenticate with \`Authorization: Bearer <token>\`. A caller whose role may not use a route gets 403 with a sentence saying which roles may.\n\n${rolesTableMarkdown()}\n\nEvery refusal or failure answers \`{"error": {"code", "message", "details"?}}\`, and each route lists the statuses and codes it answers. The codes (src/refusal.ts):\n\n${refusalCodesMarkdown()}`,
      },
      ...(ctx.publicUrl && { servers: [{ url: ctx.publicUrl }] }),
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes(ctx));
  await app.register(sessionRoutes(ctx));
  await app.register(oidcRoutes(ctx));
  await app.register(async (api) => {
    api.addHook('onRoute', documentAccess);
    api.addHook('onRequest', authenticate(ctx));
    api.addHook(
      'onRequest',
      rateLimit(ctx.store, ctx.rateLimitPerMinute, () => ctx.clock.now(), ctx.storage),
    );
    api.addHook('onRequest', authorize());
    await api.register(requestRoutes(ctx));
    await api.register(coverRoutes(ctx));
    await api.register(accessRoutes(ctx));
    await api.register(auditRoutes(ctx));
    await api.register(handoffRoutes(ctx));
    await api.register(dashboardRoutes(ctx));
    await api.register(batchRoutes(ctx));
    await api.register(eligibilityRoutes(ctx));
    await api.register(trackerRoutes(ctx));
    await api.register(licenseRoutes(ctx));
  });

  if (ctx.consoleDirectory && existsSync(ctx.consoleDirectory)) {
    await app.register(fastifyStatic, {
      root: ctx.consoleDirectory,
      prefix: '/',
      index: 'index.html',
    });
  } else {
    app.get('/', { schema: { hide: true } }, (_request, reply) =>
      reply
        .type('text/plain')
        .send(
          'Lifeline is running. The console is not built (npm run build:web); the API is at /api/v1 and its reference at /docs.',
        ),
    );
  }
  return app;
}
