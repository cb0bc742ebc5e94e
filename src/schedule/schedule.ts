import { Cron } from 'croner';

/**
 * A schedule: recurring work named once, at the times a cron expression gives in a time zone.
 * - occurrence: one of those times (an instant); its job runs it, once across all processes.
 * Pure: croner only computes times here; the job table decides who runs what.
 */
export interface Schedule {
  /** Lower-case words and dashes: it is part of every occurrence's job key. */
  name: string;
  cron: string;
  timeZone: string;
}

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Checks the expression and the zone now, so a typo stops the start with a sentence. */
export function defineSchedule(name: string, cron: string, timeZone: string): Schedule {
  if (!NAME.test(name)) throw new ScheduleError(`"${name}" is not a schedule name`);
  let pattern: Cron;
  try {
    pattern = cronOf({ name, cron, timeZone });
    pattern.nextRun(new Date(0));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScheduleError(
      `The ${name} schedule "${cron}" in time zone "${timeZone}" cannot be used: ${reason.replace(/^\w+: /, '')}`,
    );
  }
  if (pattern.nextRun(new Date(0)) === null) {
    throw new ScheduleError(`The ${name} schedule "${cron}" never occurs`);
  }
  return { name, cron, timeZone };
}

function cronOf(schedule: Schedule): Cron {
  // paused: croner must never start timers of its own; it only answers "when".
  return new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
}

/** The first occurrence strictly after `after` (epoch ms), if any. */
export function nextOccurrence(schedule: Schedule, after: number): number | undefined {
  return cronOf(schedule).nextRun(new Date(after))?.getTime();
}

/** The last occurrence at or before `at` (epoch ms), if any. */
export function latestOccurrence(schedule: Schedule, at: number): number | undefined {
  // croner's previousRuns leaves out a run in the reference's own second: ask from a second on.
  const [latest] = cronOf(schedule).previousRuns(1, new Date(Math.floor(at / 1000) * 1000 + 1000));
  const time = latest?.getTime();
  return time !== undefined && time <= at ? time : undefined;
}

const KEY = /^schedule:([a-z][a-z0-9-]*)@(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)$/;

/** The unique key of an occurrence's job: the same in every process, so it is enqueued once. */
export function occurrenceKey(name: string, at: number): string {
  return `schedule:${name}@${new Date(at).toISOString()}`;
}

export function parseOccurrenceKey(key: string | null): { name: string; at: number } | undefined {
  const match = key ? KEY.exec(key) : null;
  if (!match?.[1] || !match[2]) return undefined;
  return { name: match[1], at: Date.parse(match[2]) };
}

/** What `LIKE` selects all of one schedule's occurrence keys with (names have no wildcards). */
export function occurrenceKeyPrefix(name: string): string {
  return `schedule:${name}@`;
}
