/** The batch pages' own rules: how full the bar is, when the Issue button may be offered, the route. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BatchCounts, DryRunRow } from '../../web/src/shared/api-types.js';
import {
  dryRunKey,
  dryRunSentence,
  formatOf,
  isMoving,
  isRowOutcome,
  issueLabel,
  maySteerBatches,
  progressOf,
  rowsPerSecondText,
} from '../../web/src/console/batch-format.js';
import { links, parseRoute } from '../../web/src/console/router.js';

const counts = (rows: number, pending: number): BatchCounts => ({
  rows,
  pending,
  issued: rows - pending,
  awaitingApproval: 0,
  refused: 0,
  failed: 0,
  invalid: 0,
});

describe('batch progress', () => {
  it('counts every row no longer pending as done', () => {
    assert.deepEqual(progressOf(counts(200, 150)), { done: 50, percent: 25 });
    assert.deepEqual(progressOf(counts(3, 2)), { done: 1, percent: 33 });
  });

  it('reads 100 % only when no row is left, however the rounding falls', () => {
    assert.deepEqual(progressOf(counts(1000, 1)), { done: 999, percent: 99 });
    assert.deepEqual(progressOf(counts(1000, 0)), { done: 1000, percent: 100 });
    assert.deepEqual(progressOf(counts(0, 0)), { done: 0, percent: 100 });
  });

  it('follows a batch only while it is queued or running', () => {
    assert.equal(isMoving('queued'), true);
    assert.equal(isMoving('running'), true);
    assert.equal(isMoving('stopped'), false);
    assert.equal(isMoving('finished'), false);
  });

  it('says the rate in rows per second, or a dash before there is one', () => {
    assert.equal(rowsPerSecondText(null), '—');
    assert.equal(rowsPerSecondText(Number.NaN), '—');
    assert.equal(rowsPerSecondText(0), '—');
    assert.equal(rowsPerSecondText(2.345), '2.3 rows/s');
    assert.equal(rowsPerSecondText(1234.4), '1,234 rows/s');
  });
});

describe('issuing a batch from the console', () => {
  it('is offered to approvers, not to engineers (who may dry-run) nor admins', () => {
    assert.equal(maySteerBatches('approver'), true);
    assert.equal(maySteerBatches('admin'), false);
    assert.equal(maySteerBatches('engineer'), false);
    assert.equal(maySteerBatches('service'), false);
  });

  it('asks for a new dry run when the content or its format changes', () => {
    const checked = dryRunKey({ format: 'csv', content: 'a,b\n1,2\n' });
    assert.equal(dryRunKey({ format: 'csv', content: 'a,b\n1,2\n' }), checked);
    assert.notEqual(dryRunKey({ format: 'csv', content: 'a,b\n1,3\n' }), checked);
    assert.notEqual(dryRunKey({ format: 'jsonl', content: 'a,b\n1,2\n' }), checked);
  });

  it('names the count on the button', () => {
    assert.equal(issueLabel(1), 'Issue 1 license');
    assert.equal(issueLabel(1200), 'Issue 1,200 licenses');
  });

  it('tells the format from the file name, else from the first character', () => {
    assert.equal(formatOf('outage.csv', '{"x":1}'), 'csv');
    assert.equal(formatOf('outage.JSONL', 'ticket_id'), 'jsonl');
    assert.equal(formatOf('', '  {"ticketId": "1"}'), 'jsonl');
    assert.equal(formatOf('', 'ticket_id,ticket_url'), 'csv');
  });
});

describe('a dry-run row’s sentence', () => {
  const decision = {
    eligible: true,
    needsApproval: false,
    guardrails: [],
    summary: 'Eligible: every rule passed.',
    rules: [],
    warnings: [],
    policyVersion: '1',
    decidedOn: '2026-11-28',
    facts: null,
  } as unknown as NonNullable<DryRunRow['decision']>;
  const row = (extra: Partial<DryRunRow>): DryRunRow => ({
    row: 2,
    outcome: 'eligible',
    customerEmail: 'ops@acme.example',
    userCount: 10,
    ...extra,
  });

  it('names the column of what does not parse', () => {
    assert.equal(
      dryRunSentence(
        row({
          outcome: 'invalid',
          errors: [
            { row: 2, column: 'user_count', message: 'must be a whole number.' },
            { row: 2, column: 'maximum_users', message: 'maximum_users must be a number' },
            { row: 2, column: '', message: 'The row has 3 fields, the header 11.' },
          ],
        }),
      ),
      'user_count: must be a whole number. maximum_users must be a number. The row has 3 fields, the header 11.',
    );
  });

  it('gives the guardrails that hold a row, else the decision’s summary', () => {
    assert.equal(dryRunSentence(row({ decision })), 'Eligible: every rule passed.');
    const held = {
      ...decision,
      needsApproval: true,
      guardrails: [{ guardrail: 'repeat', code: 'REPEAT', message: 'A repeat needs approval.' }],
    } as unknown as NonNullable<DryRunRow['decision']>;
    assert.equal(
      dryRunSentence(row({ outcome: 'needs_approval', decision: held })),
      'A repeat needs approval.',
    );
  });
});

describe('the batch routes', () => {
  it('reads the list, the new-batch page and a batch with its outcome filter', () => {
    assert.deepEqual(parseRoute(links.batches()), { page: 'batches' });
    assert.deepEqual(parseRoute(links.newBatch()), { page: 'new-batch' });
    const route = parseRoute(links.batch('b-1', { outcome: 'failed' }));
    assert.equal(route.page, 'batch');
    assert.equal(route.page === 'batch' && route.id, 'b-1');
    assert.equal(route.page === 'batch' && route.query.get('outcome'), 'failed');
    assert.equal(links.batch('b-1', { outcome: '' }), '#/batches/b-1');
  });

  it('keeps only outcomes it knows from the address', () => {
    assert.equal(isRowOutcome('refused'), true);
    assert.equal(isRowOutcome('toString'), false);
    assert.equal(isRowOutcome(null), false);
  });
});
