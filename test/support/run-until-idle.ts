/**
 * Drives a test service's real worker (src/jobs/worker.ts) on a clock that stands still: waits
 * until no job is due or running at the service's instant, so a test moves time itself and sees
 * each step's result. A timeout names the steps still due or running, with their last error,
 * instead of "timed out waiting".
 *
 * "Due" is judged by the service's own clock, never the test's: on PostgreSQL jobs are timed by
 * the database's clock (the still clock plus the offset measured at start, DatabaseClock), days
 * away from a fixture date, and a job due by it is not due by the still clock.
 */
import type { RunningService } from '../../src/service/start.js';

export async function runUntilIdle(
  service: Pick<RunningService, 'store' | 'clock'>,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const { store, clock } = service;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let quietChecks = 0;
  for (;;) {
    const busy = await store.db
      .selectFrom('jobs')
      .select(['kind', 'state', 'attempts', 'max_attempts', 'last_error'])
      .where((eb) =>
        eb.or([
          eb('state', '=', 'running'),
          eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', clock.now())]),
        ]),
      )
      .execute();
    // Two quiet looks a poll apart: a step that just finished may be enqueueing the next.
    quietChecks = busy.length === 0 ? quietChecks + 1 : 0;
    if (quietChecks >= 2) return;
    if (Date.now() > deadline) {
      const steps = busy.map(
        (job) =>
          `${job.kind} (${job.state}, attempt ${job.attempts} of ${job.max_attempts}${job.last_error ? `: ${job.last_error}` : ''})`,
      );
      throw new Error(`the worker is not idle; still due or running: ${steps.join('; ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
}
