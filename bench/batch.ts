/**
 * Bulk outage mode end to end: a 10,000-row batch file sent by an approver to a real
 * `lifeline serve` child process (the compiled build, mail to the outbox, the built-in tracker),
 * timed from the batch's creation to its end (every row's request settled, the batch's notice
 * and tracker issue made), with the service's peak resident memory. A batch not finished by the
 * deadline (default 180 s) is left there and reported as it stands: rows issued, over the
 * seconds it ran, with `finished: false`, so the whole bench takes a bounded time. Standalone:
 * `npx tsx bench/batch.ts [ROWS] [postgres] [DEADLINE_SECONDS]`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createApiToken } from '../src/access/api-tokens.js';
import { systemClock } from '../src/clock.js';
import { addDays } from '../src/license/index.js';
import { openStore } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { createPostgresDatabase } from '../test/support/databases.js';
import { spawnLifeline } from '../test/support/process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const signingKey = new URL('../test/fixtures/gitlab-license/test_license_key.pem', import.meta.url)
  .pathname;

export interface BatchFigures {
  rows: number;
  /** Whether every row was issued before the deadline; if not, the figures are for `issued`. */
  finished: boolean;
  issued: number;
  seconds: number;
  rowsPerSec: number;
  peakRssMb: number;
  /**
   * The service's CPU time (user and system, all its threads) per row issued: steadier than the
   * wall clock on a shared machine, and what a faster row has to bring down.
   */
  serviceCpuMsPerRow: number;
  /**
   * Whether memory stays flat while rows are issued: the lowest V8 heap in use (what the last
   * collection left, read from /metrics each second) over the first and the last third of the
   * seconds in which rows were being issued. Resident memory alone cannot tell a leak from a
   * heap V8 has not yet had reason to shrink.
   */
  heapFloorFirstThirdMb: number;
  heapFloorLastThirdMb: number;
}

export async function benchBatch(
  options: { rows?: number; postgresUrl?: string; build?: boolean; deadlineSeconds?: number } = {},
): Promise<BatchFigures> {
  const rows = options.rows ?? 10_000;
  const deadlineMs = (options.deadlineSeconds ?? 180) * 1000;
  if (options.build ?? true)
    await promisify(execFile)(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } },
    );
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-bench-batch-'));
  const pg = options.postgresUrl ? await createPostgresDatabase(options.postgresUrl) : undefined;
  const databaseUrl = pg?.url ?? `sqlite:${join(dataDir, 'lifeline.db')}`;
  const store = openStore(databaseUrl);
  await migrateToLatest(store);
  const { token } = await createApiToken(
    store.db,
    { name: 'bench-approver', role: 'approver' },
    Date.now(),
  );
  await store.close();
  const service = spawnLifeline(
    ['serve'],
    {
      LIFELINE_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      LIFELINE_PORT: '0',
      LIFELINE_SIGNING_KEY_FILE: signingKey,
      LIFELINE_RATE_LIMIT_PER_MINUTE: '10000000',
      LIFELINE_LOG_LEVEL: 'warn',
    },
    { compiled: true },
  );
  try {
    const url = await service.url;
    const pid = service.child.pid ?? 0;
    const expiredOn = addDays(systemClock.today(), -16);
    const lines = [
      'ticket_id,ticket_url,customer_email,user_count,plan,expired_on,licensed_users,maximum_users',
    ];
    for (let n = 1; n <= rows; n += 1)
      lines.push(
        `${200_000 + n},https://support.example.com/agent/tickets/${200_000 + n},admin@customer${n}-batch.example,${100 + (n % 40)},premium,${expiredOn},100,100`,
      );
    process.stderr.write(`batch: ${rows} rows on ${pg ? 'PostgreSQL' : 'SQLite'}…\n`);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const started = await fetch(`${url}/api/v1/batches`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        format: 'csv',
        content: `${lines.join('\n')}\n`,
        fileName: 'bench.csv',
        reason: 'the bench’s outage',
      }),
    });
    if (started.status !== 202)
      throw new Error(`POST answered ${started.status}: ${await started.text()}`);
    const { id } = (await started.json()) as { id: string };
    let view: {
      state: string;
      createdAt: string;
      finishedAt: string | null;
      counts: { issued: number };
    };
    const deadline = Date.now() + deadlineMs;
    const heap: Array<{ issued: number; usedMb: number }> = [];
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const answer = await fetch(`${url}/api/v1/batches/${id}`, { headers });
      view = (await answer.json()) as typeof view;
      if (view.state === 'finished' || Date.now() >= deadline) break;
      heap.push({ issued: view.counts.issued, usedMb: await heapUsedMb(url) });
    }
    const finished = view.state === 'finished';
    if (finished && view.counts.issued !== rows)
      throw new Error(
        `the batch issued ${view.counts.issued} of ${rows} rows: ${JSON.stringify(view)}`,
      );
    if (!finished)
      process.stderr.write(
        `batch: stopped at the deadline (${deadlineMs / 1000} s) with ${view.counts.issued} of ${rows} rows issued\n`,
      );
    const seconds =
      ((finished ? Date.parse(view.finishedAt ?? '') : Date.now()) - Date.parse(view.createdAt)) /
      1000;
    const peakKb = Number(
      /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0,
    );
    // Fields 14 and 15 of /proc/PID/stat (utime, stime), in clock ticks of 10 ms, after the name.
    const times = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const cpuMs = (Number(times[11]) + Number(times[12])) * 10;
    return {
      rows,
      finished,
      issued: view.counts.issued,
      seconds: Math.round(seconds * 10) / 10,
      rowsPerSec: Math.round((view.counts.issued / seconds) * 10) / 10,
      peakRssMb: Math.round(peakKb / 1024),
      serviceCpuMsPerRow: Math.round((cpuMs / Math.max(1, view.counts.issued)) * 100) / 100,
      ...heapFloors(heap.filter((sample) => sample.issued > 0 && sample.issued < rows)),
    };
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Run directly, also through a link to the file (the tests run the checkout through links).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const rows = Number(process.argv[2] ?? 10_000);
  const postgresUrl =
    process.argv[3] === 'postgres' ? process.env.LIFELINE_TEST_DATABASE_URL : undefined;
  const deadlineSeconds = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
  const figures = await benchBatch({
    rows,
    ...(postgresUrl && { postgresUrl }),
    ...(deadlineSeconds !== undefined && { deadlineSeconds }),
  });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** The service's V8 heap in use, in MB, from its Prometheus metrics. */
async function heapUsedMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const bytes = Number(/^lifeline_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
  return bytes / 1024 / 1024;
}

function heapFloors(samples: ReadonlyArray<{ usedMb: number }>): {
  heapFloorFirstThirdMb: number;
  heapFloorLastThirdMb: number;
} {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const floor = (part: ReadonlyArray<{ usedMb: number }>) =>
    Math.round(Math.min(...part.map((sample) => sample.usedMb)) * 10) / 10;
  return {
    heapFloorFirstThirdMb: floor(samples.slice(0, third)),
    heapFloorLastThirdMb: floor(samples.slice(-third)),
  };
}
