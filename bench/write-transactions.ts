/**
 * Write transactions per request, counted: every statement the service's SQLite database runs
 * goes through better-sqlite3's Statement, so the bench wraps it and counts each `BEGIN` (a
 * write transaction: every one is `BEGIN IMMEDIATE`, src/store/database.ts) and each writing
 * statement run outside a transaction (SQLite commits it as a transaction of its own, as a
 * job claim's `UPDATE … RETURNING` is). Counted from the first POST until every request's
 * paperwork is done, including the worker's idle claims meanwhile, divided by the requests.
 */
import SqliteDatabase from 'better-sqlite3';
import { clockOnDay } from '../src/clock.js';
import { calendarDate } from '../src/license/index.js';
import { fixtureDay, screenshotBody } from '../test/support/requests.js';
import { startTestService } from '../test/support/service.js';
import { waitUntilSettled } from './request-settled.js';

interface CountedStatement {
  source: string;
  readonly: boolean;
  database: { inTransaction: boolean };
}

let counting = false;
let writeTransactions = 0;

function countWrites(): void {
  const probe = new SqliteDatabase(':memory:');
  const prototype = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  probe.close();
  if ((prototype as { counted?: boolean }).counted) return;
  (prototype as { counted?: boolean }).counted = true;
  for (const method of ['run', 'all', 'get', 'iterate']) {
    const original = prototype[method];
    if (!original) continue;
    prototype[method] = function (this: CountedStatement, ...args: unknown[]) {
      if (counting) {
        const source = this.source.trimStart().slice(0, 8).toLowerCase();
        if (source.startsWith('begin')) writeTransactions += 1;
        else if (
          !this.readonly &&
          !this.database.inTransaction &&
          !/^(commit|rollback|end)\b/.test(source)
        )
          writeTransactions += 1;
      }
      return original.apply(this, args);
    };
  }
}

export async function benchWriteTransactions(
  options: { requests?: number } = {},
): Promise<{ writeTransactionsPerRequest: number }> {
  const requests = options.requests ?? 40;
  countWrites();
  const lifeline = await startTestService(
    // The service's own poll interval, not the tests' fast one: idle claims count too.
    { LIFELINE_JOB_POLL_MS: '1000' },
    { clock: clockOnDay(calendarDate(fixtureDay)) },
  );
  try {
    const ids: string[] = [];
    writeTransactions = 0;
    counting = true;
    for (let i = 0; i < requests; i += 1) {
      const created = await lifeline.api('/api/v1/requests', {
        body: screenshotBody(
          {},
          { customerEmail: `ops@lifeline-bench-${i}.example`, userCount: 100 },
        ),
      });
      if (created.status !== 202 || (created.body as { state: string }).state !== 'queued')
        throw new Error(`POST answered ${created.status}: ${JSON.stringify(created.body)}`);
      ids.push((created.body as { id: string }).id);
    }
    await waitUntilSettled(lifeline.service.store, ids);
    counting = false;
    return {
      writeTransactionsPerRequest: Math.round((writeTransactions / requests) * 10) / 10,
    };
  } finally {
    counting = false;
    await lifeline.stop();
  }
}
