/**
 * End-to-end throughput on PostgreSQL with 1, 2 or 4 worker processes: one API process
 * (`serve --no-worker`) and N `worker` processes, each with its own data directory (mail
 * outbox, built-in tracker), on a fresh database, from the compiled build as production runs
 * it. A fixed batch of requests is posted by 16 clients as fast as the API takes them; the rate
 * is requests per second from the first POST to the last tracker issue closed, taken from the
 * service's own records (the same measure as the SQLite figure in `e2e.ts`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createApiToken } from '../src/access/api-tokens.js';
import { systemClock } from '../src/clock.js';
import { addDays } from '../src/license/index.js';
import { openStore, type Store } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createPostgresDatabase } from '../test/support/databases.js';
import { spawnLifeline, type LifelineProcess } from '../test/support/process.js';

export interface PostgresThroughput {
  workers: number;
  requests: number;
  /** Requests per second, first POST to last tracker issue closed. */
  throughputPerSec: number;
  /** Seconds from the first POST to the last tracker issue closed. */
  seconds: number;
}

export interface PostgresBenchOptions {
  workers: 1 | 2 | 4;
  /** A server URL the bench may create and drop databases with (default: the test one). */
  adminUrl?: string;
  /** Requests in the batch (default 300). */
  requests?: number;
  /** Compile dist/ first (default true; `npm run bench` has just done it for e2e). */
  build?: boolean;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const signingKey = join(root, 'test/fixtures/gitlab-license/test_license_key.pem');
let built: Promise<unknown> | undefined;

/** The PostgreSQL server the bench uses, when one is configured. */
export function benchPostgresUrl(): string | undefined {
  return process.env.LIFELINE_BENCH_DATABASE_URL ?? process.env.LIFELINE_TEST_DATABASE_URL;
}

export async function benchPostgresThroughput(
  options: PostgresBenchOptions,
): Promise<PostgresThroughput> {
  const adminUrl = options.adminUrl ?? benchPostgresUrl();
  if (!adminUrl) throw new Error('Set LIFELINE_BENCH_DATABASE_URL to a PostgreSQL server URL.');
  const count = options.requests ?? 300;
  if (options.build ?? true) {
    built ??= promisify(execFile)(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    await built;
  }

  const database = await createPostgresDatabase(adminUrl);
  const directories: string[] = [];
  const processes: LifelineProcess[] = [];
  const store = openStore(database.url, { max: 2 });
  try {
    await migrateToLatest(store);
    const { token } = await createApiToken(
      store.db,
      { name: 'bench', role: 'engineer' },
      Date.now(),
    );
    const start = (args: string[]) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-bench-pg-'));
      directories.push(dataDir);
      const child = spawnLifeline(
        args,
        {
          DATABASE_URL: database.url,
          LIFELINE_DATA_DIR: dataDir,
          LIFELINE_PORT: '0',
          LIFELINE_SIGNING_KEY_FILE: signingKey,
          LIFELINE_AUTO_MIGRATE: 'false',
          LIFELINE_RATE_LIMIT_PER_MINUTE: '10000000',
          // One token makes thousands of requests a minute here: the daily caps would hold them.
          LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '1000000',
          LIFELINE_APPROVAL_DAILY_CAP_DESK: '10000000',
          LIFELINE_LOG_LEVEL: 'warn',
        },
        { compiled: true },
      );
      processes.push(child);
      return child;
    };
    const api = start(['serve', '--no-worker']);
    for (let i = 0; i < options.workers; i += 1) start(['worker']);
    const url = await api.url;
    // Let the workers connect and listen before the clock starts.
    await sleep(1_500);

    process.stderr.write(
      `postgres: ${count} requests, 1 API process + ${options.workers} worker process(es)…\n`,
    );
    const expiredOn = addDays(systemClock.today(), -16);
    const run = Date.now().toString(36);
    const ids: string[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) {
          next += 1;
          const n = next;
          const response = await fetch(`${url}/api/v1/requests`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              ticket: { id: `${run}-${n}`, url: `https://support.example.com/tickets/${n}` },
              // A registrable domain of its own per customer: under one domain the repeat rule would hold them.
              customerEmail: `admin@bench-c${n}-${run}.example`,
              userCount: 100 + (n % 400),
              evidence: {
                plan: 'premium',
                expiredOn,
                // The evidence matches the count asked for: past 1.5 × it, a request waits for approval.
                licensedUsers: 100 + (n % 400),
                maximumUsers: 100 + (n % 400),
                screenshotsAttached: true,
              },
            }),
          });
          if (response.status !== 202)
            throw new Error(`POST answered ${response.status}: ${await response.text()}`);
          ids.push(((await response.json()) as { id: string }).id);
        }
      }),
    );
    const lastClosed = await lastClosedAt(store, ids.length);
    const seconds = (lastClosed - started) / 1000;
    return {
      workers: options.workers,
      requests: ids.length,
      throughputPerSec: Math.round((ids.length / seconds) * 10) / 10,
      seconds: Math.round(seconds * 10) / 10,
    };
  } finally {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await store.close();
    await database.drop();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  }
}

/** Waits until `count` tracker issues are closed (the database holds nothing else) and says when the last one was. */
async function lastClosedAt(store: Store, count: number): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const row = await store.db
      .selectFrom('tracker_issues')
      .select((eb) => [eb.fn.countAll<number>().as('closed'), eb.fn.max('closed_at').as('last')])
      .where('state', '=', 'closed')
      .executeTakeFirstOrThrow();
    if (Number(row.closed) >= count) return Number(row.last);
    if (Date.now() > deadline) throw new Error(`only ${row.closed} of ${count} requests finished`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
