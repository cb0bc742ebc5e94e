import { PermanentJobError, type JobHandler } from '../jobs/job-handler.js';
import { defineStep } from '../jobs/step.js';
import { occurrenceKey, parseOccurrenceKey } from './schedule.js';
import type { ScheduledTask } from './scheduler.js';

/**
 * One occurrence of a schedule: recurring work in the job table, keyed by schedule and
 * occurrence so every process may enqueue it and one runs it. Eight attempts: a remote down for
 * a while still gets its digest.
 */
export const runSchedule = defineStep({
  kind: 'run_schedule',
  label: 'run the scheduled work',
  maxAttempts: 8,
  // A few jobs a day; one at a time keeps a slow digest from crowding the request steps.
  concurrency: 1,
  uniqueKey: ({ name, at }: { name: string; at: number; runAt: number }) => occurrenceKey(name, at),
  place: ({ runAt }) => ({ runAt }),
  handler: (ctx: { scheduledTasks: readonly ScheduledTask[] }) =>
    scheduleHandler(ctx.scheduledTasks),
});

/** The worker's handler for `run_schedule` jobs: finds the occurrence's work by its key. */
function scheduleHandler(tasks: readonly ScheduledTask[]): JobHandler {
  return {
    async run(job, signal) {
      const occurrence = parseOccurrenceKey(job.uniqueKey);
      if (!occurrence) {
        throw new PermanentJobError(`The scheduled job ${job.id} names no occurrence.`);
      }
      const task = tasks.find((t) => t.schedule.name === occurrence.name);
      if (!task) {
        throw new PermanentJobError(
          `No schedule is named ${occurrence.name} any more; its occurrence at ${new Date(occurrence.at).toISOString()} is not run.`,
        );
      }
      await task.work({ schedule: occurrence.name, at: occurrence.at }, signal);
    },
  };
}
