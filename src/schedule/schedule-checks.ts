import type { Kysely } from 'kysely';
import type { ReadinessCheck } from '../ports/remote-failure.js';
import type { Database } from '../store/schema.js';
import { lastRun } from './schedule-runs.js';
import { nextOccurrence, type Schedule } from './schedule.js';

const minute = (at: number) => `${new Date(at).toISOString().slice(0, 16)}Z`;

/**
 * One `doctor` row per schedule: its next occurrence and how its last one went. A last run that
 * failed for good fails the check: the channel missed a hand-off or a head nobody else keeps.
 */
export async function scheduleChecks(
  db: Kysely<Database>,
  schedules: { auditHead?: Schedule; handoff?: Schedule },
  now: number,
): Promise<ReadinessCheck[]> {
  const rows: ReadinessCheck[] = [];
  for (const [setting, name, schedule] of [
    ['LIFELINE_AUDIT_HEAD_SCHEDULE', 'audit-head', schedules.auditHead],
    ['LIFELINE_HANDOFF_SCHEDULE', 'handoff', schedules.handoff],
  ] as const) {
    if (!schedule) {
      rows.push({ name: `schedule ${name}`, ok: true, detail: `off (${setting}=off)` });
      continue;
    }
    const next = nextOccurrence(schedule, now);
    const last = await lastRun(db, schedule.name);
    const lastText = last
      ? `last ${minute(last.occurrence)} ${last.state}${last.state === 'failed' && last.lastError ? `: ${last.lastError}` : ''}`
      : 'not run yet';
    rows.push({
      name: `schedule ${schedule.name}`,
      ok: last?.state !== 'failed',
      detail: `"${schedule.cron}" (${schedule.timeZone}): next ${next === undefined ? 'never' : minute(next)}; ${lastText}`,
      ...(last?.state === 'failed' && {
        fix: `fix what the error names; the next occurrence runs by itself (the ${schedule.name} of ${minute(last.occurrence)} is not sent again)`,
      }),
    });
  }
  return rows;
}
