/**
 * Every route, called by every role: a refused role gets 403 with a sentence naming the roles
 * that may; an allowed one gets past the gate (whatever the route then answers). The table of
 * routes here must match the access table exactly, so a new route cannot go untested.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clockOnDay } from '../../src/clock.js';
import type { CalendarDate } from '../../src/license/index.js';
import { routeAccess, type RouteKey } from '../../src/access/permissions.js';
import { roles, type Role } from '../../src/access/principal.js';
import { eligibleBody, screenshotBody } from '../support/requests.js';
import { startTestService, eventually, type TestService } from '../support/service.js';
import { testDatabases } from '../support/databases.js';

const missing = '00000000-0000-4000-8000-000000000000';

for (const database of testDatabases) {
  describe(`roles on every route (${database.name})`, { timeout: 60_000 }, () => {
    let lifeline: TestService;
    let requestId = '';
    before(async () => {
      lifeline = await startTestService(
        { LIFELINE_RATE_LIMIT_PER_MINUTE: '100000', LIFELINE_RESEND_LIMIT: '1000' },
        { database, clock: clockOnDay('2026-11-28' as CalendarDate) },
      );
      const created = await lifeline.api('/api/v1/requests', {
        body: eligibleBody({ customerEmail: 'roles@acme.example' }),
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      requestId = created.body.id;
      await eventually(async () => {
        const { body } = await lifeline.api(`/api/v1/requests/${requestId}`);
        return body.state === 'succeeded' ? true : undefined;
      });
    });
    after(() => lifeline.stop());

    let unique = 0;
    const calls: Record<RouteKey, () => { path: string; body?: unknown }> = {
      'POST /api/v1/eligibility': () => ({ path: '/api/v1/eligibility', body: eligibleBody() }),
      'POST /api/v1/requests': () => ({
        path: '/api/v1/requests',
        body: eligibleBody({ customerEmail: `r${(unique += 1)}@roles${unique}.example` }),
      }),
      'GET /api/v1/requests': () => ({ path: '/api/v1/requests' }),
      'GET /api/v1/requests/:id': () => ({ path: `/api/v1/requests/${requestId}` }),
      'GET /api/v1/requests/:id/license': () => ({ path: `/api/v1/requests/${requestId}/license` }),
      'POST /api/v1/requests/:id/resend': () => ({
        path: `/api/v1/requests/${requestId}/resend`,
        body: {},
      }),
      'POST /api/v1/requests/:id/retry': () => ({
        path: `/api/v1/requests/${requestId}/retry`,
        body: {},
      }),
      'POST /api/v1/requests/:id/renewal': () => ({
        path: `/api/v1/requests/${requestId}/renewal`,
        body: { licenseFile: 'not a license' },
      }),
      // Too short a reason: past the gate, refused by the body's schema, the cover untouched.
      'POST /api/v1/requests/:id/extension': () => ({
        path: `/api/v1/requests/${requestId}/extension`,
        body: { reason: 'x' },
      }),
      // Not waiting for approval: an approver gets past the gate to a 409.
      'POST /api/v1/requests/:id/approve': () => ({
        path: `/api/v1/requests/${requestId}/approve`,
        body: { reason: 'checked with the account manager' },
      }),
      'POST /api/v1/requests/:id/decline': () => ({
        path: `/api/v1/requests/${requestId}/decline`,
        body: { reason: 'not this customer' },
      }),
      'GET /api/v1/tracker/issues': () => ({ path: '/api/v1/tracker/issues' }),
      'GET /api/v1/tracker/issues/:number': () => ({ path: '/api/v1/tracker/issues/1' }),
      'POST /api/v1/licenses/inspect': () => ({
        path: '/api/v1/licenses/inspect',
        body: { license: 'not a license' },
      }),
      'POST /api/v1/licenses/preflight': () => ({
        path: '/api/v1/licenses/preflight',
        body: { license: 'not a license', maximumUsers: 1 },
      }),
      'GET /api/v1/audit': () => ({ path: '/api/v1/audit' }),
      'GET /api/v1/handoff': () => ({ path: '/api/v1/handoff?since=3d' }),
      'GET /api/v1/dashboard': () => ({ path: '/api/v1/dashboard?since=7d' }),
      // A dry run: engineers and approvers past the gate; running one is the runBatch action.
      'POST /api/v1/batches': () => ({
        path: '/api/v1/batches?dryRun=true',
        body: {
          format: 'csv',
          content:
            'ticket_id,ticket_url,customer_email,user_count,maximum_users\n1,https://support.example.com/agent/tickets/1,a@roles-batch.example,10,10\n',
        },
      }),
      'GET /api/v1/batches': () => ({ path: '/api/v1/batches' }),
      'GET /api/v1/batches/:id': () => ({ path: `/api/v1/batches/${missing}` }),
      'GET /api/v1/batches/:id/rows': () => ({ path: `/api/v1/batches/${missing}/rows` }),
      'GET /api/v1/batches/:id/report.csv': () => ({
        path: `/api/v1/batches/${missing}/report.csv`,
      }),
      'POST /api/v1/batches/:id/stop': () => ({
        path: `/api/v1/batches/${missing}/stop`,
        body: {},
      }),
      'POST /api/v1/batches/:id/resume': () => ({
        path: `/api/v1/batches/${missing}/resume`,
        body: {},
      }),
      'GET /api/v1/tokens': () => ({ path: '/api/v1/tokens' }),
      'POST /api/v1/tokens': () => ({
        path: '/api/v1/tokens',
        body: { name: `made-${(unique += 1)}`, role: 'engineer' },
      }),
      'DELETE /api/v1/tokens/:id': () => ({ path: `/api/v1/tokens/${missing}` }),
      'GET /api/v1/users': () => ({ path: '/api/v1/users' }),
      'POST /api/v1/users': () => ({
        path: '/api/v1/users',
        body: {
          username: `user-${(unique += 1)}`,
          password: 'a long enough passphrase',
          role: 'engineer',
        },
      }),
      'PATCH /api/v1/users/:id': () => ({
        path: `/api/v1/users/${missing}`,
        body: { role: 'engineer' },
      }),
      'DELETE /api/v1/users/:id': () => ({ path: `/api/v1/users/${missing}` }),
      'POST /api/v1/account/password': () => ({
        path: '/api/v1/account/password',
        body: { currentPassword: 'whatever it was', newPassword: 'a brand new passphrase' },
      }),
      'GET /api/v1/sessions': () => ({ path: '/api/v1/sessions' }),
      'DELETE /api/v1/sessions/:id': () => ({ path: `/api/v1/sessions/${missing}` }),
    };

    it('covers exactly the routes of the access table', () => {
      assert.deepEqual(Object.keys(calls).sort(), Object.keys(routeAccess).sort());
    });

    for (const route of Object.keys(routeAccess) as RouteKey[]) {
      it(route, async () => {
        const method = route.split(' ')[0] ?? 'GET';
        for (const role of roles) {
          const call = calls[route]();
          const answer = await lifeline.api(call.path, {
            method,
            token: lifeline.tokens[role],
            ...(call.body !== undefined && { body: call.body }),
          });
          const allowed = (routeAccess[route].roles as readonly Role[]).includes(role);
          if (allowed) {
            assert.ok(
              answer.status !== 403 && answer.status !== 401 && answer.status < 500,
              `${role} may call ${route}: ${answer.status} ${JSON.stringify(answer.body)}`,
            );
          } else {
            assert.equal(answer.status, 403, `${role} may not call ${route}`);
            assert.equal(answer.body.error.code, 'FORBIDDEN');
            assert.match(
              answer.body.error.message,
              new RegExp(`^Your role \\(${role}\\) may not .+: this needs .+\\.$`),
            );
          }
        }
      });
    }

    it('lets only an approver mark a renewal done without the license file', async () => {
      const path = `/api/v1/requests/${requestId}/renewal`;
      for (const role of ['engineer', 'service'] as const) {
        const marked = await lifeline.api(path, {
          token: lifeline.tokens[role],
          body: { reason: 'Renewed by phone' },
        });
        assert.equal(marked.status, 403, role);
        assert.match(
          marked.body.error.message,
          /may not mark a renewal done without the license file: this needs approver/,
        );
      }
    });

    it('lets only an approver resend to another address than the request’s own', async () => {
      const path = `/api/v1/requests/${requestId}/resend`;
      for (const role of ['engineer', 'service'] as const) {
        const elsewhere = await lifeline.api(path, {
          token: lifeline.tokens[role],
          body: { email: 'someone@else.example' },
        });
        assert.equal(elsewhere.status, 403, role);
        assert.match(
          elsewhere.body.error.message,
          /may not resend a license to another address than the request’s own address or domain: this needs approver/,
        );
        const own = await lifeline.api(path, {
          token: lifeline.tokens[role],
          body: { email: 'ROLES@acme.example' },
        });
        assert.equal(own.status, 202, `${role} resends to the customer's own address`);
      }
      const approver = await lifeline.api(path, {
        token: lifeline.tokens.approver,
        body: { email: 'someone@else.example' },
      });
      assert.equal(approver.status, 202);
      const audit = await lifeline.api(`/api/v1/audit?action=request.resent&request=${requestId}`, {
        token: lifeline.tokens.approver,
      });
      assert.equal(audit.body.items[0].details.to, 'someone@else.example');
      assert.equal(audit.body.items[0].actor, 'test-approver');
      assert.equal(audit.body.items[0].role, 'approver');
    });

    it('records the authenticated person as the requester; only a service names someone', async () => {
      for (const role of ['engineer', 'approver'] as const) {
        const named = await lifeline.api('/api/v1/requests', {
          token: lifeline.tokens[role],
          body: eligibleBody({
            customerEmail: `${role}@named.example`,
            requestedBy: 'someone-else',
          }),
        });
        assert.equal(named.status, 403, role);
        assert.equal(
          named.body.error.message,
          `Your role (${role}) may not name another person in requestedBy: this needs service.`,
        );
      }
      const own = await lifeline.api('/api/v1/requests', {
        token: lifeline.tokens.approver,
        body: screenshotBody({}, { customerEmail: 'own@person.example' }),
      });
      assert.equal(own.status, 202);
      const ownDetail = await lifeline.api(`/api/v1/requests/${own.body.id}`);
      assert.equal(ownDetail.body.requestedBy, 'test-approver');

      const nobody = await lifeline.api('/api/v1/requests', {
        token: lifeline.tokens.service,
        body: screenshotBody({}, { customerEmail: 'nobody@service.example' }),
      });
      assert.equal(nobody.status, 400);
      assert.match(nobody.body.error.message, /name them in requestedBy/);

      const forSam = await lifeline.api('/api/v1/requests', {
        token: lifeline.tokens.service,
        body: screenshotBody({}, { customerEmail: 'sam@service.example', requestedBy: 'sam' }),
      });
      assert.equal(forSam.status, 202);
      const detail = await lifeline.api(`/api/v1/requests/${forSam.body.id}`);
      assert.equal(detail.body.requestedBy, 'sam via test-service');
      const audit = await lifeline.api(`/api/v1/audit?request=${forSam.body.id}`, {
        token: lifeline.tokens.admin,
      });
      // The worker's signature of the license may already follow it, newest first.
      const entry = (
        audit.body.items as Array<{ action: string; actor: string; role: string }>
      ).find((item) => item.action === 'request.created');
      assert.equal(entry?.actor, 'sam via test-service');
      assert.equal(entry?.role, 'service');
    });

    it('shows each route’s roles in the OpenAPI document at /docs', async () => {
      const { body } = await lifeline.api('/docs/json', { token: null });
      for (const route of Object.keys(routeAccess) as RouteKey[]) {
        const [method = '', path = ''] = route.split(' ');
        const openApiPath = path.replace(/:(\w+)/g, '{$1}');
        const operation = body.paths[openApiPath]?.[method.toLowerCase()];
        assert.ok(operation, `${route} is documented`);
        assert.match(
          operation.description,
          new RegExp(`Roles: ${routeAccess[route].roles.join(', ')}\\.`),
        );
      }
      assert.match(body.info.description, /\| `GET \/api\/v1\/audit` \| approver, admin \|/);
    });
  });
}
