import type { Clock } from '../clock.js';
import type { Store } from '../store/database.js';
import { enqueueDueOccurrences } from './schedule-runs.js';
import { nextOccurrence, type Schedule } from './schedule.js';

/** One occurrence of a schedule, as its work sees it. */
export interface Occurrence {
  schedule: string;
  /** The occurrence's instant (epoch ms), not the moment it happens to run. */
  at: number;
}

/**
 * The work a schedule does. Runs once per occurrence across all processes; after a crash in the
 * middle it runs again (the job's lease lapses), so it must tolerate a repeat.
 */
export type ScheduledWork = (occurrence: Occurrence, signal: AbortSignal) => Promise<void>;

export interface ScheduledTask {
  schedule: Schedule;
  work: ScheduledWork;
}

/** The longest a scheduler sleeps: a clock that jumps (or a new schedule) is seen within it. */
const maxSleepMs = 60_000;

/**
 * Puts occurrences into the job table as they come due; the worker runs them through
 * the `run_schedule` step (run-schedule-step.ts). Every worker process runs one: they race to enqueue the same key, and the
 * job table lets one job, and one worker, have it.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  private readonly onError: (error: unknown) => void;
  private readonly onEnqueued: () => void;
  private readonly jobNow: () => number;

  /**
   * `clock` tells the wall-clock time occurrences are read on (the process's, like the day a
   * license is dated); `jobNow` the job table's time (the database clock), default the same.
   */
  constructor(
    private readonly store: Store,
    private readonly tasks: readonly ScheduledTask[],
    private readonly clock: Clock,
    options: {
      jobNow?: () => number;
      onError?: (error: unknown) => void;
      onEnqueued?: () => void;
    } = {},
  ) {
    this.jobNow = options.jobNow ?? (() => clock.now());
    this.onError = options.onError ?? (() => undefined);
    this.onEnqueued = options.onEnqueued ?? (() => undefined);
  }

  get schedules(): Schedule[] {
    return this.tasks.map((task) => task.schedule);
  }

  /** Enqueues what is due now (the catch-up, on the first tick) and sleeps until the next. */
  start(): void {
    this.stopped = false;
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Enqueues every schedule's latest due occurrence (idempotent); tests call it directly. */
  async tick(): Promise<void> {
    await enqueueDueOccurrences(this.store.db, this.schedules, this.clock.now(), this.jobNow());
    this.onEnqueued();
  }

  /** The earliest coming occurrence of any schedule. */
  nextDue(): number | undefined {
    const now = this.clock.now();
    const times = this.schedules
      .map((schedule) => nextOccurrence(schedule, now))
      .filter((at): at is number => at !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.tick();
    } catch (error) {
      this.onError(error);
    }
    if (this.stopped) return;
    const next = this.nextDue();
    const wait = next === undefined ? maxSleepMs : next - this.clock.now();
    this.timer = setTimeout(() => void this.loop(), Math.max(50, Math.min(wait, maxSleepMs)));
    this.timer.unref();
  }
}
