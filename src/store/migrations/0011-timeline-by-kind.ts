import type { Kysely, Migration } from 'kysely';

/**
 * The dashboard (issue 15): an index on timeline_events (kind, at). The time to renewal (the
 * dashboard's chart and the lifeline_time_to_renewal_days histogram, at every scrape) and the
 * reminders gauge read one kind of event among all of them; without it each read scans the
 * whole timeline, about ten rows per request.
 */
export function timelineByKindSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('timeline_events_kind')
        .on('timeline_events')
        .columns(['kind', 'at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('timeline_events_kind').ifExists().execute();
    },
  };
}
