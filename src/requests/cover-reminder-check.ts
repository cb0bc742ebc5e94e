import { sql, type Kysely } from 'kysely';
import type { ReadinessCheck } from '../ports/remote-failure.js';
import type { Database } from '../store/schema.js';
import type { CoverSettings } from './cover.js';

const minute = (at: number) => `${new Date(at).toISOString().slice(0, 16)}Z`;

/**
 * The `doctor` row of cover reminders: when on its day a reminder is due (the hour and zone),
 * and the next one queued, so the licensing team can see before a weekend that reminders reach
 * them in their morning rather than at midnight UTC.
 */
export async function coverReminderCheck(
  db: Kysely<Database>,
  settings: CoverSettings,
  now: number,
): Promise<ReadinessCheck> {
  const { timeZone, hour } = settings.reminderTime;
  const days =
    settings.reminderDays.length === 0
      ? 'no reminders (LIFELINE_REMINDER_DAYS is empty), only the lapse'
      : `${[...settings.reminderDays].sort((a, b) => b - a).join(' and ')} days before a temporary license ends, and the lapse on its end day`;
  const next = await db
    .selectFrom('jobs')
    .select('run_at')
    .where('kind', '=', 'cover_reminder')
    // A literal, so SQLite seeks through the partial index jobs_due (migration 0019).
    .where('state', '=', sql.lit('pending'))
    .where('run_at', '>=', now)
    .orderBy('run_at')
    .limit(1)
    .executeTakeFirst();
  return {
    name: 'cover reminders',
    ok: true,
    detail: `at ${String(hour).padStart(2, '0')}:00 ${timeZone} (LIFELINE_REMINDER_HOUR, LIFELINE_REMINDER_TIME_ZONE): ${days}; next ${next ? minute(Number(next.run_at)) : 'none queued'}`,
  };
}
