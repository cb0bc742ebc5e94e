import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { clockOnDay } from '../../src/clock.js';
import {
  calendarDate,
  decodeLicense,
  loadVerificationKey,
  preflightLicenseText,
  timeZone,
} from '../../src/license/index.js';
import { testDatabases } from '../support/databases.js';
import {
  eligibleBody,
  expiredTrialLicense,
  fixtureDay,
  screenshotBody,
} from '../support/requests.js';
import {
  eventually,
  startTestService,
  testPublicKeyFile,
  type TestService,
} from '../support/service.js';

const publicKey = loadVerificationKey(readFileSync(testPublicKeyFile, 'utf8'));

for (const database of testDatabases) {
  describe(`emergency requests end to end (${database.name})`, () => {
    let lifeline: TestService;
    let drop: () => Promise<void> = () => Promise.resolve();

    before(async () => {
      const created = await database.create({ migrated: true });
      drop = () => created.drop();
      lifeline = await startTestService(created.url ? { DATABASE_URL: created.url } : {}, {
        clock: clockOnDay(calendarDate(fixtureDay)),
      });
    });
    after(async () => {
      await lifeline.stop();
      await drop();
    });

    const finished = (id: string) =>
      eventually(
        async () => {
          const { body } = await lifeline.api(`/api/v1/requests/${id}`);
          const done =
            ['succeeded', 'failed'].includes(body.state) &&
            body.trackerIssue?.state === (body.state === 'succeeded' ? 'closed' : 'open');
          return done ? body : undefined;
        },
        15_000,
        `request ${id} to finish`,
      );

    it('turns an eligible request into one license, one email and a closed tracker issue', async () => {
      const body = eligibleBody({ customerEmail: 'ops@first-customer.example', userCount: 250 });
      const created = await lifeline.api('/api/v1/requests', { body });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      assert.equal(created.body.state, 'queued');
      assert.equal(created.body.decision.eligible, true);

      const request = await finished(created.body.id);
      assert.equal(request.state, 'succeeded');
      assert.equal(request.requestedBy, 'test-engineer');
      assert.equal(request.license.plan, 'ultimate');
      assert.equal(request.license.trial, true);
      assert.equal(request.license.userCount, 250);
      // Issued at noon UTC on the fixture day: started in UTC−12, and 10 full days in UTC+14.
      assert.equal(request.license.issuedAt, '2026-11-27');
      assert.equal(request.license.expiresAt, '2026-12-10');
      assert.equal(request.license.lastFullDay, '2026-12-09');
      assert.equal(
        request.trackerIssue.title,
        '[Success] - Created a license under ops@first-customer.example for 250 users',
      );
      assert.equal(request.trackerIssue.state, 'closed');

      const download = await fetch(`${lifeline.url}/api/v1/requests/${created.body.id}/license`, {
        headers: { authorization: `Bearer ${lifeline.token}` },
      });
      assert.equal(download.status, 200);
      assert.match(
        download.headers.get('content-disposition') ?? '',
        /emergency-250-users-through-2026-12-09\.gitlab-license/,
      );
      const licenseText = await download.text();
      const decoded = decodeLicense(licenseText, [publicKey]);
      assert.ok(decoded.ok);
      assert.equal(decoded.license.licensee.Email, 'ops@first-customer.example');
      assert.equal(decoded.license.restrictions?.active_user_count, 250);

      const outbox = join(lifeline.dataDir, 'outbox');
      const files = readdirSync(outbox).filter((name) => name.includes(created.body.id));
      assert.equal(files.length, 1, 'exactly one email for the request');
      const mail = await simpleParser(readFileSync(join(outbox, files[0] ?? '')));
      assert.equal(mail.to && 'text' in mail.to ? mail.to.text : '', 'ops@first-customer.example');
      assert.match(mail.text ?? '', /Works through: 2026-12-09/);
      const attachment = mail.attachments.find((a) => a.filename?.endsWith('.gitlab-license'));
      assert.ok(attachment);
      assert.equal(attachment.content.toString('utf8'), licenseText);

      const issues = await lifeline.api(
        '/api/v1/tracker/issues?state=closed&search=first-customer',
      );
      assert.equal(issues.body.items.length, 1);
      assert.match(
        issues.body.items[0].description,
        /eyJkYXRhIjoi/,
        'the tracker issue holds a copy of the license',
      );
      assert.match(issues.body.items[0].description, new RegExp(body.ticket.url));

      const kinds = (request.timeline as Array<{ kind: string }>).map((e) => e.kind);
      for (const kind of [
        'request.accepted',
        'license.generated',
        'email.sent',
        'request.succeeded',
      ]) {
        assert.ok(kinds.includes(kind), `timeline has ${kind}: ${kinds.join(', ')}`);
      }
      const notice = await eventually(async () => {
        const { body: latest } = await lifeline.api(`/api/v1/requests/${created.body.id}`);
        const delivered = (latest.deliveries as Array<{ medium: string; state: string }>)
          .filter((d) => d.state === 'delivered')
          .map((d) => d.medium);
        return ['email', 'tracker', 'notice', 'ticket'].every((c) => delivered.includes(c))
          ? latest
          : undefined;
      });
      assert.ok(notice.timeline.some((e: { kind: string }) => e.kind === 'notice.posted'));
    });

    it('accepts the values read from screenshots', async () => {
      const created = await lifeline.api('/api/v1/requests', {
        body: screenshotBody({}, { customerEmail: 'admin@screens.example', userCount: 480 }),
      });
      assert.equal(created.status, 202, JSON.stringify(created.body.decision));
      const request = await finished(created.body.id);
      assert.equal(request.state, 'succeeded');
    });

    describe('each rule explains a rejection and records it', () => {
      const rejected = async (body: unknown, code: string) => {
        const answer = await lifeline.api('/api/v1/requests', { body });
        assert.equal(answer.status, 422, JSON.stringify(answer.body));
        assert.equal(answer.body.state, 'rejected');
        const failing = (
          answer.body.decision.rules as Array<{ passed: boolean; code: string; message: string }>
        ).filter((r) => !r.passed);
        assert.ok(
          failing.some((r) => r.code === code),
          `expected ${code}, got ${failing.map((r) => r.code).join(', ')}`,
        );
        const stored = await lifeline.api(`/api/v1/requests/${answer.body.id}`);
        assert.equal(stored.body.state, 'rejected');
        assert.equal(stored.body.license, null);
        assert.equal(stored.body.timeline[0].kind, 'request.rejected');
        return failing;
      };

      it('a prospect (trial only)', async () => {
        const failing = await rejected(
          eligibleBody({
            customerEmail: 'sam@prospect.example',
            evidence: { licenseFile: expiredTrialLicense, maximumUsers: 100 },
          }),
          'PROSPECT_TRIAL',
        );
        assert.ok(failing.every((r) => r.message.length > 20));
      });
      it('a grace period still running', async () => {
        const failing = await rejected(
          screenshotBody({ expiredOn: '2026-11-20' }, { customerEmail: 'a@grace.example' }),
          'GRACE_STILL_RUNNING',
        );
        assert.match(
          failing.find((r) => r.code === 'GRACE_STILL_RUNNING')?.message ?? '',
          /renewal/,
        );
      });
      it('a grace period that ended too long ago', async () => {
        const failing = await rejected(
          screenshotBody({ expiredOn: '2026-10-01' }, { customerEmail: 'a@late.example' }),
          'WINDOW_PASSED',
        );
        assert.match(failing.find((r) => r.code === 'WINDOW_PASSED')?.message ?? '', /escalate/i);
      });
      it('a user count that is not a whole number', async () => {
        await rejected(
          screenshotBody({}, { customerEmail: 'a@count.example', userCount: 2.5 }),
          'USER_COUNT_INVALID',
        );
      });
      it('a user count above the ceiling', async () => {
        await rejected(
          screenshotBody({}, { customerEmail: 'a@huge.example', userCount: 10_000_000 }),
          'USER_COUNT_ABOVE_CEILING',
        );
      });
      it('screenshots not attached to the ticket', async () => {
        await rejected(
          screenshotBody({ screenshotsAttached: false }, { customerEmail: 'a@noscreens.example' }),
          'SCREENSHOTS_MISSING',
        );
      });
      it('a user count GitLab would refuse, with the smallest count it accepts', async () => {
        const failing = await rejected(
          screenshotBody(
            { maximumUsers: 300 },
            { customerEmail: 'a@peak.example', userCount: 250 },
          ),
          'SEATS_REFUSED_BY_GITLAB',
        );
        const seats = failing.find((r) => r.code === 'SEATS_REFUSED_BY_GITLAB') as
          { message: string; suggestedUserCount?: number } | undefined;
        assert.equal(seats?.suggestedUserCount, 273);
        assert.match(
          seats?.message ?? '',
          /had 300 active users, exceeding this license's limit of 250 by 50 users/,
        );
        assert.match(seats?.message ?? '', /The smallest user count it accepts is 273\.$/);
      });
      it('a repeat for the same customer waits for an approver, pointing to the earlier request', async () => {
        const first = await lifeline.api('/api/v1/requests', {
          body: screenshotBody({}, { customerEmail: 'one@repeat.example' }),
        });
        assert.equal(first.status, 202);
        const second = await lifeline.api('/api/v1/requests', {
          body: screenshotBody({}, { customerEmail: 'two@repeat.example' }),
        });
        assert.equal(second.status, 202);
        assert.equal(second.body.state, 'awaiting_approval');
        const repeat = (
          second.body.decision.rules as Array<{ code: string; relatedRequestId?: string }>
        ).find((r) => r.code === 'REPEAT');
        assert.equal(repeat?.relatedRequestId, first.body.id);
        assert.equal(second.body.decision.guardrails[0].code, 'REPEAT_NEEDS_APPROVAL');
      });
    });

    it('refuses a body without the Maximum users with a 400 naming the field', async () => {
      const body = eligibleBody({
        evidence: { licenseFile: expiredTrialLicense, maximumUsers: 1 },
      });
      const { maximumUsers: _dropped, ...evidence } = body.evidence as Record<string, unknown>;
      const answer = await lifeline.api('/api/v1/requests', { body: { ...body, evidence } });
      assert.equal(answer.status, 400);
      const detail = (answer.body.error.details as Array<{ field: string; message: string }>).find(
        (d) => d.field.endsWith('evidence.maximumUsers'),
      );
      assert.ok(detail, JSON.stringify(answer.body));
      assert.match(detail.message, /Maximum users/);
    });

    it('emails a license that passes GitLab’s upload checks for the evidence it was issued on, in every zone', async () => {
      // Users were removed since the peak: 300 seats pass only with previous_user_count.
      const body = screenshotBody(
        { maximumUsers: 470, billableUsers: 300 },
        { customerEmail: 'it@shrunk.example', userCount: 300 },
      );
      const created = await lifeline.api('/api/v1/requests', { body });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      const seats = (created.body.decision.rules as Array<{ rule: string; code: string }>).find(
        (r) => r.rule === 'seats',
      );
      assert.equal(seats?.code, 'SEATS_OK_PREVIOUS_USER_COUNT');
      await finished(created.body.id);
      const outbox = join(lifeline.dataDir, 'outbox');
      const [file] = readdirSync(outbox).filter((name) => name.includes(created.body.id));
      const mail = await simpleParser(readFileSync(join(outbox, file ?? '')));
      const attached = mail.attachments.find((a) => a.filename?.endsWith('.gitlab-license'));
      assert.ok(attached);
      const text = attached.content.toString('utf8');
      const decoded = decodeLicense(text, [publicKey]);
      assert.ok(decoded.ok);
      assert.equal(decoded.license.restrictions?.previous_user_count, 480);
      assert.equal(decoded.license.block_changes_at, undefined);
      const atMs = Date.parse(`${fixtureDay}T12:00:00Z`);
      for (const gitlab of ['Etc/GMT+12', 'UTC', 'Pacific/Kiritimati']) {
        for (const server of ['Etc/GMT+12', 'UTC', 'Pacific/Kiritimati']) {
          const result = preflightLicenseText(text, [publicKey], {
            seats: { maximumUsers: 470, billableUsers: 300 },
            atMs,
            gitlabTimeZone: timeZone(gitlab),
            serverTimeZone: timeZone(server),
          });
          assert.equal(result.accepted, true, `${gitlab}/${server}: ${result.message}`);
          assert.ok(result.validHours >= 240);
        }
      }
      // The API's preflight says the same, and refuses what GitLab would refuse.
      const api = await lifeline.api('/api/v1/licenses/preflight', {
        body: {
          license: text,
          maximumUsers: 470,
          billableUsers: 300,
          at: `${fixtureDay}T12:00:00Z`,
          gitlabTimeZone: 'America/Los_Angeles',
        },
      });
      assert.equal(api.status, 200);
      assert.equal(api.body.accepted, true);
      assert.equal(api.body.activeFrom, `${fixtureDay}T12:00:00.000Z`);
      const grown = await lifeline.api('/api/v1/licenses/preflight', {
        body: {
          license: text,
          maximumUsers: 470,
          billableUsers: 400,
          at: `${fixtureDay}T12:00:00Z`,
        },
      });
      assert.equal(grown.body.accepted, false);
      assert.match(grown.body.message, /^This GitLab installation currently has 400 active users/);
      const badZone = await lifeline.api('/api/v1/licenses/preflight', {
        body: { license: text, maximumUsers: 1, serverTimeZone: 'Mars/Base' },
      });
      assert.equal(badZone.status, 400);
      assert.match(JSON.stringify(badZone.body), /is not a time zone/);
    });

    it('checks eligibility without recording anything', async () => {
      const before = await lifeline.api('/api/v1/requests?email=check@only.example');
      const answer = await lifeline.api('/api/v1/eligibility', {
        body: screenshotBody({}, { customerEmail: 'check@only.example' }),
      });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.eligible, true);
      const afterwards = await lifeline.api('/api/v1/requests?email=check@only.example');
      assert.equal(before.body.items.length, 0);
      assert.equal(afterwards.body.items.length, 0);
    });

    it('answers a repeated POST with the first answer (Idempotency-Key), and refuses the key for another body', async () => {
      const body = screenshotBody({}, { customerEmail: 'it@idempotent.example' });
      const headers = { 'idempotency-key': 'ticket-4711-attempt' };
      const first = await lifeline.api('/api/v1/requests', { body, headers });
      const second = await lifeline.api('/api/v1/requests', { body, headers });
      assert.equal(first.status, 202);
      assert.equal(second.status, 202);
      assert.equal(second.body.id, first.body.id);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      const other = await lifeline.api('/api/v1/requests', {
        body: { ...body, userCount: 501 },
        headers,
      });
      assert.equal(other.status, 409);
      assert.equal(other.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
      const all = await lifeline.api('/api/v1/requests?email=it@idempotent.example');
      assert.equal(all.body.items.length, 1);
    });

    it('treats the same body sent twice without a key as one request', async () => {
      const body = screenshotBody({}, { customerEmail: 'double@click.example' });
      const [a, b] = await Promise.all([
        lifeline.api('/api/v1/requests', { body }),
        lifeline.api('/api/v1/requests', { body }),
      ]);
      assert.equal(a.body.id, b.body.id);
      assert.deepEqual([a.status, b.status], [202, 202]);
    });

    it('resends the same license, never a new one', async () => {
      const created = await lifeline.api('/api/v1/requests', {
        body: screenshotBody({}, { customerEmail: 'lost@mail.example' }),
      });
      const request = await finished(created.body.id);
      // To another address than the request's own: an approver's call.
      const resend = await lifeline.api(`/api/v1/requests/${created.body.id}/resend`, {
        token: lifeline.tokens.approver,
        body: { email: 'Other@Mail.Example' },
      });
      assert.equal(resend.status, 202);
      assert.equal(resend.body.to, 'other@mail.example');
      const afterResend = await eventually(async () => {
        const { body } = await lifeline.api(`/api/v1/requests/${created.body.id}`);
        const emails = (body.deliveries as Array<{ medium: string; state: string }>).filter(
          (d) => d.medium === 'email' && d.state === 'delivered',
        );
        return emails.length === 2 ? body : undefined;
      });
      assert.equal(afterResend.license.fingerprint, request.license.fingerprint);
      const outbox = readdirSync(join(lifeline.dataDir, 'outbox')).filter((name) =>
        name.includes(created.body.id),
      );
      assert.equal(outbox.length, 2);
      const texts = await Promise.all(
        outbox.map(async (name) => {
          const mail = await simpleParser(readFileSync(join(lifeline.dataDir, 'outbox', name)));
          return mail.attachments[0]?.content.toString('utf8');
        }),
      );
      assert.equal(texts[0], texts[1], 'both emails carry the same license');
      const nothing = await lifeline.api(`/api/v1/requests/${created.body.id}/retry`, {
        method: 'POST',
      });
      assert.equal(nothing.status, 409);
      assert.equal(nothing.body.error.code, 'NOTHING_TO_RETRY');
    });

    it('finds requests by email, domain, ticket and state, newest first, page by page', async () => {
      const ticket = eligibleBody().ticket;
      for (const email of ['a@paging.example', 'b@paging.example', 'c@paging.example']) {
        await lifeline.api('/api/v1/requests', {
          body: screenshotBody({ expiredOn: '2026-10-01' }, { customerEmail: email, ticket }),
        });
      }
      const first = await lifeline.api('/api/v1/requests?email=@paging.example&limit=2');
      assert.equal(first.status, 200);
      assert.deepEqual(
        first.body.items.map((i: { customerEmail: string }) => i.customerEmail),
        ['c@paging.example', 'b@paging.example'],
      );
      assert.ok(first.body.nextCursor);
      const second = await lifeline.api(
        `/api/v1/requests?email=@paging.example&limit=2&cursor=${first.body.nextCursor}`,
      );
      assert.deepEqual(
        second.body.items.map((i: { customerEmail: string }) => i.customerEmail),
        ['a@paging.example'],
      );
      assert.equal(second.body.nextCursor, null);
      const byTicket = await lifeline.api(`/api/v1/requests?ticket=${ticket.id}&state=rejected`);
      assert.equal(byTicket.body.items.length, 3);
      // "#4711", as Zendesk shows a ticket, finds it as the number it was stored under.
      const byShownTicket = await lifeline.api(
        `/api/v1/requests?ticket=${encodeURIComponent(`#${ticket.id}`)}&state=rejected`,
      );
      assert.equal(byShownTicket.body.items.length, 3);
      const bareDomain = await lifeline.api('/api/v1/requests?email=paging.example');
      assert.equal(bareDomain.status, 400);
      assert.match(bareDomain.body.error.message, /did you mean @paging\.example\?/);
      const badLimit = await lifeline.api('/api/v1/requests?limit=abc');
      assert.equal(badLimit.status, 400);
      assert.match(badLimit.body.error.message, /limit must be a whole number from 1 to 200/);
      const bad = await lifeline.api('/api/v1/requests?cursor=not-ours');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'INVALID_CURSOR');
    });
  });
}
