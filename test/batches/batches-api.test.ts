/**
 * Bulk outage mode through the API, on each database: a dry run records nothing; an engineer
 * may not run a batch; an approver's batch turns every row into an ordinary request with one
 * license, one batch notice and one batch tracker issue; the same file again is the same
 * batch; stop and resume; the rows by outcome and the report.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { clockOnDay } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startSlackServer, type FakeSlack } from '../fakes/slack-server.js';
import { testDatabases } from '../support/databases.js';
import { fixtureDay } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';
import { batchCsv, batchFinished } from './batch-support.js';

for (const database of testDatabases) {
  describe(`batches over the API (${database.name})`, { timeout: 120_000 }, () => {
    let lifeline: TestService;
    let slack: FakeSlack;
    before(async () => {
      slack = await startSlackServer();
      lifeline = await startTestService(
        {
          ...fakeRemotesEnv({ slack }),
          LIFELINE_RATE_LIMIT_PER_MINUTE: '100000',
          // The real caps: a batch's rows are the approver's approved volume, not held by them.
          LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '10',
          LIFELINE_APPROVAL_DAILY_CAP_DESK: '50',
        },
        { database, clock: clockOnDay(calendarDate(fixtureDay)) },
      );
    });
    after(async () => {
      await lifeline.stop();
      await slack.stop();
    });

    const count = async (table: 'requests' | 'licenses' | 'batches') =>
      Number(
        (
          await lifeline.service.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('a dry run answers each row and the batch’s findings, and records nothing', async () => {
      const content = batchCsv(3, 'dry.example', [
        '7100,https://support.example.com/agent/tickets/7100,ops@c1-dry.example,100,premium,2026-11-12,100,100,,,same customer as row 2',
        '7101,https://support.example.com/agent/tickets/7101,x@trial.example,100,premium,2026-10-01,100,100,,,too late',
        '7102,https://support.example.com/agent/tickets/7102,not-an-email,ten,premium,2026-11-12,100,100,,,bad',
      ]);
      const before = [await count('requests'), await count('batches')];
      const answer = await lifeline.api('/api/v1/batches?dryRun=true', {
        body: { format: 'csv', content, fileName: 'dry.csv' },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.dryRun, true);
      // Row 5 is for row 2's customer: on its own eligible, in the batch it waits, as the run
      // will hold it.
      assert.deepEqual(answer.body.summary, {
        rows: 6,
        eligible: 3,
        needsApproval: 1,
        refused: 1,
        invalid: 1,
      });
      const second = answer.body.rows.find((row: { row: number }) => row.row === 5);
      assert.equal(second.outcome, 'needs_approval');
      assert.match(second.heldBecause, /Rows 2, 5 are for the same customer/);
      const bad = answer.body.rows.find((row: { row: number }) => row.row === 7);
      assert.equal(bad.outcome, 'invalid');
      assert.deepEqual(
        bad.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`).sort(),
        ['7:user_count'],
      );
      const refused = answer.body.rows.find((row: { row: number }) => row.row === 6);
      assert.equal(refused.outcome, 'refused');
      assert.match(refused.decision.summary, /\w/);
      assert.deepEqual(
        answer.body.findings.map((f: { kind: string; rows: number[] }) => [f.kind, f.rows]),
        [['same_customer', [2, 5]]],
      );
      assert.deepEqual([await count('requests'), await count('batches')], before);
    });

    it('holds a customer’s second row of one chunk for an approver: the repeat rule sees the first row’s request', async () => {
      // The chunk is one transaction: the second row's decision sees the first row's request.
      const content = batchCsv(3, 'chunk.example', [
        '7100,https://support.example.com/agent/tickets/7100,ops@c1-chunk.example,100,premium,2026-11-12,100,100,,,same customer as row 2',
      ]);
      const started = await lifeline.api('/api/v1/batches', {
        token: lifeline.tokens.approver,
        body: { format: 'csv', content, fileName: 'chunk.csv', reason: 'the chunk’s outage' },
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const finished = await batchFinished(lifeline, started.body.id);
      assert.deepEqual(finished.counts, {
        rows: 4,
        pending: 0,
        issued: 3,
        awaitingApproval: 1,
        refused: 0,
        failed: 0,
        invalid: 0,
      });
      const held = await lifeline.api(
        `/api/v1/batches/${started.body.id}/rows?outcome=awaiting_approval`,
      );
      assert.deepEqual(
        held.body.rows.map((row: { row: number }) => row.row),
        [5],
      );
      const audited = await lifeline.service.store.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'request.created')
        .where('details', 'like', '%-chunk.example%')
        .executeTakeFirstOrThrow();
      assert.equal(Number(audited.n), 4, 'each row’s request is audited once');
    });

    it('refuses an engineer who runs a batch, with a sentence', async () => {
      const answer = await lifeline.api('/api/v1/batches', {
        body: { format: 'csv', content: batchCsv(1, 'eng.example'), reason: 'the outage' },
      });
      assert.equal(answer.status, 403);
      assert.match(answer.body.error.message, /may not run a batch.*approver/);
    });

    it('refuses a file with invalid rows unless skipInvalid, naming row and column', async () => {
      const content = batchCsv(2, 'invalid.example', [
        '7200,https://support.example.com/agent/tickets/7200,a@b.example,100,gold,2026-11-12,100,100,,,bad plan',
      ]);
      const answer = await lifeline.api('/api/v1/batches', {
        token: lifeline.tokens.approver,
        body: { format: 'csv', content, reason: 'billing migration failed' },
      });
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, 'BATCH_HAS_INVALID_ROWS');
      assert.deepEqual(answer.body.error.details, [
        { field: 'row 4, column plan', message: 'plan must be one of starter, premium, ultimate' },
      ]);
      const missingColumn = await lifeline.api('/api/v1/batches', {
        token: lifeline.tokens.approver,
        body: {
          format: 'csv',
          content: 'ticket_id,customer_email\n1,a@b.example\n',
          reason: 'billing migration failed',
        },
      });
      assert.equal(missingColumn.status, 400);
      assert.match(missingColumn.body.error.message, /row 1, column ticket_url/);
    });

    it('runs a batch: one license per row, one notice, one tracker issue; the same file is the same batch', async () => {
      const rows = 30;
      const content = batchCsv(rows, 'run.example', [
        // Exactly row 2 again: the same request, not a second license.
        '7001,https://support.example.com/agent/tickets/7001,admin@c1-run.example,100,premium,2026-11-12,100,100,,,outage row 1',
        '7300,https://support.example.com/agent/tickets/7300,bad,100,premium,2026-11-12,100,100,,,invalid',
      ]);
      const licensesBefore = await count('licenses');
      const noticesBefore = slack.messages.length;
      const started = await lifeline.api('/api/v1/batches', {
        token: lifeline.tokens.approver,
        body: {
          format: 'csv',
          content,
          fileName: 'outage.csv',
          reason: 'billing migration failed',
          skipInvalid: true,
        },
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const id = started.body.id as string;
      assert.equal(started.body.fileName, 'outage.csv');
      assert.equal(started.body.createdBy, 'test-approver');
      assert.equal(started.body.counts.rows, rows + 2);
      assert.equal(started.body.counts.invalid, 1);

      const finished = await batchFinished(lifeline, id);
      assert.deepEqual(finished.counts, {
        rows: rows + 2,
        pending: 0,
        issued: rows + 1,
        awaitingApproval: 0,
        refused: 0,
        failed: 0,
        invalid: 1,
      });
      assert.ok(finished.rowsPerSecond > 0);
      assert.equal(await count('licenses'), licensesBefore + rows);
      assert.ok(finished.trackerIssue?.number, 'the batch has its tracker issue');

      const issues = await lifeline.service.store.db
        .selectFrom('tracker_issues')
        .select(['title', 'request_id', 'state'])
        .where('request_id', '=', `batch:${id}`)
        .execute();
      assert.equal(issues.length, 1);
      assert.match(issues[0]?.title ?? '', /^\[Batch\] - 31 of 32 rows issued from outage\.csv$/);
      // Each row's own tracker issue, as a single request has.
      const rowIssues = await lifeline.service.store.db
        .selectFrom('tracker_issues')
        .innerJoin('requests', 'requests.id', 'tracker_issues.request_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('requests.origin', '=', 'batch')
        .where('requests.customer_email', 'like', '%-run.example')
        .executeTakeFirstOrThrow();
      assert.equal(Number(rowIssues.n), rows);
      const notices = slack.messages.slice(noticesBefore);
      assert.equal(notices.length, 1, JSON.stringify(notices.map((m) => m.text)));
      assert.match(notices[0]?.text ?? '', /outage\.csv.*finished/);

      const requests = await lifeline.service.store.db
        .selectFrom('requests')
        .select(['origin', 'idempotency_key', 'requested_by'])
        .where('customer_email', '=', 'admin@c1-run.example')
        .execute();
      assert.deepEqual(requests, [
        { origin: 'batch', idempotency_key: `key:batch:${id}:2`, requested_by: 'test-approver' },
      ]);

      const again = await lifeline.api('/api/v1/batches', {
        token: lifeline.tokens.approver,
        body: { format: 'csv', content, reason: 'once more', skipInvalid: true },
      });
      assert.equal(again.status, 202);
      assert.equal(again.body.id, id);
      assert.equal(await count('licenses'), licensesBefore + rows);

      const invalid = await lifeline.api(`/api/v1/batches/${id}/rows?outcome=invalid`);
      assert.equal(invalid.status, 200);
      assert.deepEqual(
        invalid.body.rows.map((row: { row: number; outcome: string }) => [row.row, row.outcome]),
        [[rows + 3, 'invalid']],
      );
      assert.match(invalid.body.rows[0].message, /customer_email/);
      const page = await lifeline.api(`/api/v1/batches/${id}/rows?outcome=issued&limit=10`);
      assert.equal(page.body.rows.length, 10);
      assert.equal(page.body.nextCursor, '11');
      assert.match(page.body.rows[0].licenseFingerprint, /^[0-9a-f]{64}$/);
      const next = await lifeline.api(
        `/api/v1/batches/${id}/rows?outcome=issued&limit=10&cursor=${page.body.nextCursor}`,
      );
      assert.equal(next.body.rows[0].row, 12);

      const report = await fetch(`${lifeline.url}/api/v1/batches/${id}/report.csv`, {
        headers: { authorization: `Bearer ${lifeline.token}` },
      });
      assert.equal(report.status, 200);
      assert.match(report.headers.get('content-type') ?? '', /^text\/csv/);
      const table = parse<Record<string, string>>(await report.text(), { columns: true });
      assert.equal(table.length, rows + 2);
      assert.deepEqual(Object.keys(table[0] ?? {}), [
        'row',
        'outcome',
        'request_id',
        'customer_email',
        'user_count',
        'license_fingerprint',
        'message',
      ]);
      assert.equal(table.filter((line) => line.outcome === 'issued').length, rows + 1);
      assert.equal(table[0]?.request_id, table[rows]?.request_id, 'row 2 and its repeat');

      const list = await lifeline.api('/api/v1/batches');
      assert.equal(list.body.items[0].id, id);
      const audit = await lifeline.api('/api/v1/audit?action=batch.created', {
        token: lifeline.tokens.approver,
      });
      assert.equal(audit.body.items[0]?.target, `batch ${id}`);
    });

    it('stops and resumes a batch', async () => {
      const content = batchCsv(250, 'stop.example');
      const started = await lifeline.api('/api/v1/batches', {
        token: lifeline.tokens.approver,
        body: { format: 'csv', content, fileName: 'stop.csv', reason: 'month-end outage' },
      });
      assert.equal(started.status, 202);
      const id = started.body.id as string;
      const stopped = await lifeline.api(`/api/v1/batches/${id}/stop`, {
        token: lifeline.tokens.approver,
        body: {},
      });
      assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
      assert.equal(stopped.body.state, 'stopped');
      const engineerResume = await lifeline.api(`/api/v1/batches/${id}/resume`, { body: {} });
      assert.equal(engineerResume.status, 403);
      const twice = await lifeline.api(`/api/v1/batches/${id}/stop`, {
        token: lifeline.tokens.approver,
        body: {},
      });
      assert.equal(twice.status, 409);
      // Sending the same file again resumes it.
      const resumed = await lifeline.api('/api/v1/batches', {
        token: lifeline.tokens.approver,
        body: { format: 'csv', content, reason: 'month-end outage' },
      });
      assert.equal(resumed.status, 202);
      assert.equal(resumed.body.id, id);
      const finished = await batchFinished(lifeline, id, {
        timeoutMs: 90_000,
        what: 'the resumed batch to finish',
      });
      assert.equal(finished.counts.issued, 250);
      const audit = await lifeline.api('/api/v1/audit?action=batch.resumed', {
        token: lifeline.tokens.approver,
      });
      assert.equal(audit.body.items[0]?.target, `batch ${id}`);
    });
  });
}
