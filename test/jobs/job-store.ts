/**
 * A migrated database for the job queue tests, on SQLite (a file, so several connections can
 * share it like several processes would) or PostgreSQL, with helpers to add requests and jobs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enqueueJobs } from '../../src/jobs/sql/enqueue-jobs.js';
import type { JobKind, NewJob } from '../../src/jobs/job.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { TestDatabase } from '../support/databases.js';

export interface JobDatabase {
  url: string;
  /** The first connection (pool), opened and migrated. */
  store: Store;
  /** Another connection (pool) to the same database: what a second process would have. */
  open(): Store;
  close(): Promise<void>;
}

export async function openJobDatabase(database: TestDatabase): Promise<JobDatabase> {
  const created = await database.create({ migrated: true });
  const directory = created.url ? undefined : mkdtempSync(join(tmpdir(), 'lifeline-jobs-'));
  const url = created.url ?? `sqlite:${join(directory ?? '', 'jobs.db')}`;
  const opened: Store[] = [];
  const open = () => {
    const store = openStore(url, { max: 2 });
    opened.push(store);
    return store;
  };
  const store = open();
  await migrateToLatest(store);
  return {
    url,
    store,
    open,
    async close() {
      await Promise.all(opened.map((s) => s.close()));
      await created.drop();
      if (directory) rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A bare request for jobs to hang off (jobs reference requests). */
export async function addRequest(store: Store, now = Date.now()): Promise<string> {
  const id = randomUUID();
  await store.db
    .insertInto('requests')
    .values({
      id,
      created_at: now,
      updated_at: now,
      state: 'queued',
      revision: 1,
      ticket_id: '1',
      ticket_url: 'https://support.example.com/agent/tickets/1',
      requested_by: 'queue-test',
      origin: 'api',
      customer_email: `admin@${id}.example`,
      user_count: 10,
      evidence_kind: 'screenshots',
      note: null,
      idempotency_key: null,
      body_fingerprint: id,
      first_response: null,
      customer_domain: null,
      customer_mailbox: null,
      customer_company: null,
      subscription_id: null,
      created_on: '2026-11-28',
      failed_step: null,
      failure_message: null,
      failure_next_action: null,
      tracker_issue_number: null,
      tracker_issue_url: null,
      tracker_issue_title: null,
      tracker_issue_state: null,
      tracker_synced_revision: null,
      tracker_lock_until: null,
    })
    .execute();
  return id;
}

/** Adds `count` jobs of one request, due at `runAt` (default now); returns their unique keys. */
export async function addJobs(
  store: Store,
  count: number,
  options: { runAt?: number; maxAttempts?: number; now?: number; kind?: JobKind } = {},
): Promise<string[]> {
  const now = options.now ?? Date.now();
  const requestId = await addRequest(store, now);
  const jobs: NewJob[] = Array.from({ length: count }, (_, index) => ({
    kind: options.kind ?? 'post_notice',
    requestId,
    uniqueKey: `test:${requestId}:${index}`,
    runAt: options.runAt ?? now,
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
  }));
  await store.db.transaction().execute((trx) => enqueueJobs(trx, jobs, now));
  return jobs.map((job) => job.uniqueKey ?? '');
}

export async function jobRows(store: Store) {
  return store.db.selectFrom('jobs').selectAll().orderBy('unique_key').execute();
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
