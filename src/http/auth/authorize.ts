import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { requireAction as requireRoleAction, type Action } from '../../access/require-action.js';
import { allows, refusal, routeAccess, type RouteAccess } from '../../access/permissions.js';
import type { Principal } from '../../access/principal.js';
import type { AuditActor } from '../../audit/audit-entry.js';
import { ApiError } from '../api-error.js';
import { principalOf } from './authenticate.js';

function routeKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`;
}

function accessFor(method: string, url: string): RouteAccess | undefined {
  return (routeAccess as Record<string, RouteAccess>)[routeKey(method, url)];
}

/**
 * Refuses, with a sentence, a caller whose role the table (src/access/permissions.ts) does not
 * list for the route. Runs after authentication, before the handler and its body.
 */
export function authorize() {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = principalOf(request);
    const access = accessFor(request.method, request.routeOptions.url ?? '');
    if (!access)
      throw new ApiError('FORBIDDEN', 'This route has no access rule; nobody may call it.');
    if (!allows(access, principal.role))
      throw new ApiError('FORBIDDEN', refusal(access, principal.role));
    return Promise.resolve();
  };
}

/**
 * Every API route must be in the access table, and its documentation says who may call it: the
 * app refuses to start with a route nobody decided about.
 */
export function documentAccess(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  for (const method of methods) {
    if (method === 'HEAD') continue;
    const access = accessFor(method, route.url);
    if (!access)
      throw new Error(
        `The route ${method} ${route.url} is missing from src/access/permissions.ts.`,
      );
    if (route.schema) {
      const sentence = `Roles: ${access.roles.join(', ')}.`;
      route.schema.description = route.schema.description
        ? `${route.schema.description}\n\n${sentence}`
        : sentence;
    }
  }
}

/** Refuses an action inside a route (resend elsewhere, naming someone) the role may not do. */
export function requireAction(principal: Principal, action: Action): void {
  requireRoleAction(principal.role, action);
}

/** Who the audit log records for this call. */
export function auditActorOf(request: FastifyRequest, actor?: string): AuditActor {
  const principal = principalOf(request);
  return { actor: actor ?? principal.name, role: principal.role, address: request.ip };
}
