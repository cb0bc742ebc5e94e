import { sql } from 'kysely';
import { Counter, Histogram, Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import type { WorkerEvent } from '../jobs/worker.js';
import type { Circuits } from '../jobs/circuit.js';
import { coverCounts } from '../dashboard/cover-counts.js';
import { renewalBucketDays } from '../dashboard/dashboard.js';
import { renewalDays } from '../dashboard/renewal-times.js';
import { coverStates } from '../requests/cover.js';
import type { Store } from '../store/database.js';
import type { StorageHealth } from '../store/storage-health.js';
import { lastRun } from '../schedule/schedule-runs.js';
import { nextOccurrence, type Schedule } from '../schedule/schedule.js';

/**
 * Prometheus metrics: the process's own, jobs by kind and result, the queue's depth, covers and
 * the time to renewal, and each schedule's next and last occurrence.
 */
export function createMetrics(
  store: Store,
  storage: StorageHealth,
  circuits?: Circuits,
  scheduled: { schedules: readonly Schedule[]; now: () => number } = {
    schedules: [],
    now: Date.now,
  },
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lifeline_' });
  const jobs = new Counter({
    name: 'lifeline_jobs_total',
    help: 'Job attempts by kind and result (success, retry, failed).',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lifeline_job_duration_seconds',
    help: 'Duration of successful job attempts.',
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'lifeline_jobs_waiting',
    help: 'Jobs pending or running, by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      // Through the partial indexes jobs_due and jobs_leased (migration 0019), never the
      // finished jobs.
      const [pending, running] = await Promise.all([
        countWhere(store, 'jobs', 'state', 'pending'),
        countWhere(store, 'jobs', 'state', 'running'),
      ]);
      this.reset();
      this.set({ state: 'pending' }, pending);
      this.set({ state: 'running' }, running);
    },
  });
  new Gauge({
    name: 'lifeline_requests',
    help: 'Requests by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await store.db
        .selectFrom('requests')
        .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy('state')
        .execute();
      this.reset();
      for (const row of rows) this.set({ state: row.state }, Number(row.count));
    },
  });
  new Gauge({
    name: 'lifeline_covers',
    help: 'Delivered requests by cover state (pending, extended, renewed, lapsed).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await coverCounts(store.db);
      this.reset();
      for (const state of coverStates) this.set({ state }, counts[state]);
    },
  });
  // From the database, like the reminders below: a renewal recorded through any process (the
  // API, the console, the sidebar, the CLI) is observed once, and a restart forgets none.
  new Histogram({
    name: 'lifeline_time_to_renewal_days',
    help: "Days from a request's temporary license being issued to its renewal being recorded, one observation per renewal.",
    buckets: [...renewalBucketDays],
    registers: [registry],
    async collect() {
      const days = await renewalDays(store.db);
      this.reset();
      for (const value of days) this.observe(value);
    },
  });
  // Counted in the database, not per process: every worker's reminders, once each.
  new Gauge({
    name: 'lifeline_cover_reminders_sent',
    help: 'Cover reminders sent (event reminder) and covers lapsed (event lapsed), since the start of the database.',
    labelNames: ['event'],
    registers: [registry],
    async collect() {
      // Through the partial indexes timeline_events_reminded and _lapsed (migration 0020).
      const [reminded, lapsed] = await Promise.all([
        countWhere(store, 'timeline_events', 'kind', 'cover.reminded'),
        countWhere(store, 'timeline_events', 'kind', 'cover.lapsed'),
      ]);
      this.reset();
      this.set({ event: 'reminder' }, reminded);
      this.set({ event: 'lapsed' }, lapsed);
    },
  });
  new Gauge({
    name: 'lifeline_storage_failing',
    help: '1 while writes are refused for space or I/O (a refused write in the last 30 s), else 0.',
    registers: [registry],
    collect() {
      this.set(storage.problem() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'lifeline_storage_failures',
    help: 'Writes refused for space or I/O since the process started.',
    registers: [registry],
    collect() {
      this.set(storage.failureCount);
    },
  });
  new Gauge({
    name: 'lifeline_remote_circuit_open',
    help: "1 while a remote's steps are backed off for not answering (circuit open or half-open), else 0.",
    labelNames: ['remote'],
    registers: [registry],
    async collect() {
      this.reset();
      // Every worker's, as the database has them: this process may run none.
      await circuits?.refresh().catch(() => undefined);
      for (const circuit of circuits?.states() ?? []) {
        this.set({ remote: circuit.remote }, circuit.state === 'closed' ? 0 : 1);
      }
    },
  });
  new Gauge({
    name: 'lifeline_schedule_next_run_timestamp_seconds',
    help: "Each schedule's next occurrence (Unix time).",
    labelNames: ['schedule'],
    registers: [registry],
    collect() {
      this.reset();
      for (const schedule of scheduled.schedules) {
        const next = nextOccurrence(schedule, scheduled.now());
        if (next !== undefined) this.set({ schedule: schedule.name }, next / 1000);
      }
    },
  });
  new Gauge({
    name: 'lifeline_schedule_last_run_timestamp_seconds',
    help: "Each schedule's latest enqueued occurrence (Unix time), by its job's state (pending, running, succeeded, failed).",
    labelNames: ['schedule', 'state'],
    registers: [registry],
    async collect() {
      const runs = await Promise.all(
        scheduled.schedules.map(async (schedule) => ({
          name: schedule.name,
          run: await lastRun(store.db, schedule.name),
        })),
      );
      this.reset();
      for (const { name, run } of runs) {
        if (run) this.set({ schedule: name, state: run.state }, run.occurrence / 1000);
      }
    },
  });
  const observeWorker = (event: WorkerEvent) => {
    if (event.type === 'job:success') {
      jobs.inc({ kind: event.job.kind, result: 'success' });
      duration.observe({ kind: event.job.kind }, event.durationMs / 1000);
    } else if (event.type === 'job:retry') jobs.inc({ kind: event.job.kind, result: 'retry' });
    else if (event.type === 'job:failed') jobs.inc({ kind: event.job.kind, result: 'failed' });
  };
  return { registry, observeWorker };
}

/**
 * The rows of `table` whose `column` is `value`, the value written as a literal: SQLite reads a
 * partial index on it only when it can see the value at prepare time, not as a bound parameter.
 */
async function countWhere(
  store: Store,
  table: 'jobs' | 'timeline_events',
  column: 'state' | 'kind',
  value: string,
): Promise<number> {
  const { rows } = await sql<{
    count: number | string;
  }>`SELECT count(*) AS count FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${sql.lit(value)}`.execute(
    store.db,
  );
  return Number(rows[0]?.count ?? 0);
}
