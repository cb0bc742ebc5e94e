/** Reading a batch file: every problem names its row and column; nothing is guessed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBatchFile } from '../../src/batches/batch-file.js';
import { batchFindings } from '../../src/batches/batch-findings.js';
import { customerKeys } from '../../src/policy/index.js';
import { loadConfig } from '../../src/config.js';
import { expiredPremiumLicense } from '../support/requests.js';
import { batchCsv, batchHeader } from './batch-support.js';

describe('batch files', () => {
  it('reads CSV rows as submissions, spreadsheet-numbered from the header', () => {
    const parsed = parseBatchFile('csv', batchCsv(2, 'read.example'));
    assert.deepEqual(parsed.fileErrors, []);
    assert.deepEqual(
      parsed.rows.map((row) => row.row),
      [2, 3],
    );
    const first = parsed.rows[0];
    assert.ok(first && 'submission' in first);
    assert.deepEqual(first.submission.evidence, {
      plan: 'premium',
      expiredOn: '2026-11-12',
      licensedUsers: 100,
      maximumUsers: 100,
      screenshotsAttached: true,
    });
    assert.equal(first.submission.ticket.id, '7001');
  });

  it('names the row and column of every bad cell', () => {
    const parsed = parseBatchFile(
      'csv',
      [
        batchHeader,
        '1,https://support.example.com/agent/tickets/1,nobody,many,gold,yesterday,100,100,,,',
        '2,ftp://x,a@b.example,10,premium,2026-11-12,100,,,,',
        '3,https://support.example.com/agent/tickets/3,a@b.example,10',
        '4,https://support.example.com/agent/tickets/4,a@b.example,10,,,,10,,expired.gitlab-license,',
      ].join('\n'),
    );
    const errors = parsed.rows.flatMap((row) =>
      'errors' in row ? row.errors.map((e) => `${e.row} ${e.column}`) : [],
    );
    assert.deepEqual(errors, [
      '2 user_count',
      '3 ticket_url',
      '3 maximum_users',
      '4 ',
      '5 license_file',
    ]);
    const plan = parseBatchFile(
      'csv',
      `${batchHeader}\n1,https://support.example.com/agent/tickets/1,a@b.example,10,gold,2026-11-12,100,100,,,\n`,
    ).rows[0];
    assert.ok(plan && 'errors' in plan);
    assert.deepEqual(plan.errors, [
      { row: 2, column: 'plan', message: 'plan must be one of starter, premium, ultimate' },
    ]);
  });

  it('reports a missing or unknown column, and a quote never closed, for the whole file', () => {
    assert.deepEqual(
      parseBatchFile(
        'csv',
        'ticket_id,ticket_url,customer_email,user_count,seats\n',
      ).fileErrors.map((e) => `${e.row} ${e.column}`),
      ['1 seats', '1 maximum_users'],
    );
    const broken = parseBatchFile('csv', `${batchHeader}\n1,"https://x,a@b.example\n`);
    assert.equal(broken.fileErrors.length, 1);
    assert.equal(broken.fileErrors[0]?.row, 2);
    assert.match(broken.fileErrors[0]?.message ?? '', /cannot be read from this row/);
  });

  it('reads JSON lines, numbered by line, with the license text', () => {
    const parsed = parseBatchFile(
      'jsonl',
      [
        JSON.stringify({
          ticket_id: 1,
          ticket_url: 'https://support.example.com/agent/tickets/1',
          customer_email: 'ops@acme.example',
          user_count: 500,
          maximum_users: 480,
          license_file: expiredPremiumLicense,
        }),
        '',
        '{not json',
        JSON.stringify({ ticket_id: 2, seats: 3 }),
      ].join('\n'),
    );
    assert.deepEqual(
      parsed.rows.map((row) => [row.row, 'errors' in row ? row.errors.map((e) => e.column) : 'ok']),
      [
        [1, 'ok'],
        [3, ['']],
        [4, ['seats']],
      ],
    );
  });

  it('finds repeated rows and rows for the same customer', () => {
    const policy = loadConfig({ LIFELINE_DATA_DIR: '/tmp' }).policy;
    const rows = parseBatchFile(
      'csv',
      batchCsv(3, 'find.example', [
        '7001,https://support.example.com/agent/tickets/7001,admin@c1-find.example,100,premium,2026-11-12,100,100,,,outage row 1',
        '9,https://support.example.com/agent/tickets/9,ops@eu.c3-find.example,100,premium,2026-11-12,100,100,,,',
      ]),
    ).rows.flatMap((row) =>
      'submission' in row
        ? [
            {
              row: row.row,
              submission: row.submission,
              keys: customerKeys(row.submission.customerEmail, undefined, policy),
            },
          ]
        : [],
    );
    assert.deepEqual(
      batchFindings(rows).map((finding) => [finding.kind, finding.rows]),
      [
        ['duplicate_row', [2, 5]],
        ['same_customer', [4, 6]],
      ],
    );
  });
});
