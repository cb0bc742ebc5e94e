import { sql, type Kysely, type Migration } from 'kysely';

/** The kinds of timeline event read across all requests, each through an index of its own. */
const rareKinds = [
  ['timeline_events_renewed', 'cover.renewed'],
  ['timeline_events_reminded', 'cover.reminded'],
  ['timeline_events_lapsed', 'cover.lapsed'],
  ['timeline_events_signed', 'license.signed'],
] as const;

/**
 * The timeline's index by kind holds only the four kinds read across requests (issue 11): the
 * renewals (dashboard and histogram), the reminders and lapses (gauge) and the signatures
 * (`lifeline audit signatures`). Through (kind, at) every event of a request, nine of them in
 * a batch row, went to its own kind's part of one index, each a page for SQLite to write: 8.5
 * of the 93 pages a row cost (counted from the WAL). A request's own events are read through
 * timeline_events_request.
 *
 * The queries name the kind as a literal, not a bound parameter: SQLite uses a partial index
 * only when it can see at prepare time that the query's WHERE implies the index's.
 */
export function rareEventIndexesSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const [name, kind] of rareKinds)
        await sql`CREATE INDEX ${sql.raw(name)} ON timeline_events (at) WHERE kind = ${sql.lit(kind)}`.execute(
          db,
        );
      await db.schema.dropIndex('timeline_events_kind').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema
        .createIndex('timeline_events_kind')
        .on('timeline_events')
        .columns(['kind', 'at'])
        .execute();
      for (const [name] of rareKinds) await db.schema.dropIndex(name).ifExists().execute();
    },
  };
}
