/**
 * The job queue's hot reads and writes seek through the partial indexes of live jobs
 * (migration 0019), and reads of one kind of event across requests through that kind's own
 * (migration 0020), and the guardrail's count of the day through requests_state (migration
 * 0021), on SQLite's own query plans: each statement is run for real through the
 * function the worker or service calls, captured from Kysely's log, and asked for its plan. A
 * state passed as a bound parameter, or an index dropped, turns a seek into a scan of every job
 * ever run, which grows with the database and shows here as a SCAN of the table.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { claimJobs, claimJobsByKind, reclaimExpiredLeases } from '../../src/jobs/sql/claim-jobs.js';
import { coverReminderCheck } from '../../src/requests/cover-reminder-check.js';
import { defaultCoverSettings } from '../../src/requests/cover.js';
import { lastRun } from '../../src/schedule/schedule-runs.js';
import { renewalDays } from '../../src/dashboard/renewal-times.js';
import { listLicenseSignatures } from '../../src/requests/signatures.js';
import { countRecentIssues } from '../../src/requests/guardrail-history.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { Database } from '../../src/store/schema.js';

describe('the indexes of live jobs and rare events (SQLite query plans)', () => {
  const sqlite = new SqliteDatabase(':memory:');
  const captured: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  const store: Store = { db, dialect: 'sqlite', description: 'memory', close: () => db.destroy() };
  const now = Date.UTC(2026, 11, 2, 9);

  before(() => migrateToLatest(store));
  after(() => store.close());

  /** The plan of the statements `run` issued whose SQL starts with `startsWith`. */
  async function plansOf(startsWith: RegExp, run: () => Promise<unknown>): Promise<string[]> {
    captured.length = 0;
    await run();
    const statements = captured.filter((query) => startsWith.test(query.sql));
    assert.ok(statements.length > 0, `no statement matching ${startsWith} was run`);
    return statements.map((query) =>
      (
        sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.parameters) as Array<{
          detail: string;
        }>
      )
        .map((row) => row.detail)
        .join('\n'),
    );
  }

  it('claims each kind through jobs_due and marks the picked by id, never scanning jobs', async () => {
    await db
      .insertInto('jobs')
      .values({
        id: 'due-1',
        kind: 'send_email',
        request_id: null,
        delivery_id: null,
        state: 'pending',
        attempts: 0,
        max_attempts: 5,
        run_at: now - 1,
        locked_by: null,
        locked_until: null,
        last_error: null,
        unique_key: 'due-1',
        created_at: now - 1,
        updated_at: now - 1,
      })
      .execute();
    const claim = () =>
      claimJobsByKind(db, 'sqlite', {
        workerId: 'w',
        slots: [
          ['generate_license', 2],
          ['send_email', 1],
        ],
        limit: 3,
        leaseMs: 1_000,
        now,
      });
    const [pick] = await plansOf(/^SELECT id FROM/, claim);
    assert.match(pick ?? '', /SEARCH jobs USING INDEX jobs_due \(kind=\? AND run_at<\?\)/);
    assert.doesNotMatch(pick ?? '', /SCAN jobs/);
    await db.updateTable('jobs').set({ state: 'pending' }).where('id', '=', 'due-1').execute();
    const [mark] = await plansOf(/^UPDATE jobs/, claim);
    assert.match(mark ?? '', /SEARCH jobs USING INDEX sqlite_autoindex_jobs_1 \(id=\?\)/);
  });

  it('claims without per-kind slots through jobs_due, never every job ever run', async () => {
    const [plan] = await plansOf(/^SELECT id FROM jobs WHERE state/, () =>
      claimJobs(db, 'sqlite', { workerId: 'w', limit: 3, leaseMs: 1_000, now }),
    );
    assert.match(plan ?? '', /jobs USING (COVERING )?INDEX jobs_due/);
  });

  it('sweeps expired leases through jobs_leased', async () => {
    const [plan] = await plansOf(/^update "jobs"/, () => reclaimExpiredLeases(db, now));
    assert.match(plan ?? '', /SEARCH jobs USING INDEX jobs_leased \(locked_until<\?\)/);
  });

  it('finds the next reminder through jobs_due, a schedule’s runs through jobs_schedule_runs', async () => {
    const [reminder] = await plansOf(/^select "run_at" from "jobs"/, () =>
      coverReminderCheck(db, defaultCoverSettings, now),
    );
    assert.match(reminder ?? '', /USING (COVERING )?INDEX jobs_due \(kind=\? AND run_at>\?\)/);
    const [runs] = await plansOf(/^select "unique_key"/, () => lastRun(db, 'handoff'));
    assert.match(runs ?? '', /SCAN jobs USING INDEX jobs_schedule_runs/);
  });

  it('reads renewals and signatures through their kinds’ partial indexes', async () => {
    const [renewals] = await plansOf(/^select "timeline_events"/, () => renewalDays(db, now));
    assert.match(renewals ?? '', /timeline_events USING INDEX timeline_events_renewed \(at>\?\)/);
    const [signatures] = await plansOf(/^select "request_id"/, () =>
      listLicenseSignatures(db, { since: now }),
    );
    assert.match(signatures ?? '', /timeline_events USING INDEX timeline_events_signed \(at>\?\)/);
  });

  it('counts the day’s licenses, the desk’s and the requester’s, from requests_state alone', async () => {
    const plans = await plansOf(/^select "requested_by", count/, () =>
      countRecentIssues(db, 'ana@vendor.example via sidebar', now),
    );
    // One statement, and COVERING: no request row is read, however many the day holds.
    assert.equal(plans.length, 1);
    assert.match(
      plans[0] ?? '',
      /SEARCH requests USING COVERING INDEX requests_state \(state=\? AND created_at>\?\)/,
    );
  });
});
