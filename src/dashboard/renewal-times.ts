import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

const dayMs = 86_400_000;

/**
 * Days (to a tenth) from each request's temporary license (its first, lineage 0) being issued to its renewal
 * being recorded, for renewals recorded at or after `since` (epoch ms). A cover is renewed once,
 * so each renewed request counts once. The dashboard's chart and the Prometheus histogram both
 * read this.
 */
export async function renewalDays(db: Kysely<Database>, since = 0): Promise<number[]> {
  const rows = await db
    .selectFrom('timeline_events')
    .innerJoin('licenses', (join) =>
      join
        .onRef('licenses.request_id', '=', 'timeline_events.request_id')
        .on('licenses.lineage_index', '=', 0),
    )
    .select(['timeline_events.at as renewed_at', 'licenses.created_at as issued_at'])
    // A literal, so SQLite reads the partial index timeline_events_renewed (migration 0020).
    .where('timeline_events.kind', '=', sql.lit('cover.renewed'))
    .where('timeline_events.at', '>=', since)
    .execute();
  // To a tenth of a day (2.4 hours): a renewal four days after the license, to the minute, is in
  // the four-day bucket, not the next one.
  return rows.map(
    (row) =>
      Math.round((Math.max(0, Number(row.renewed_at) - Number(row.issued_at)) / dayMs) * 10) / 10,
  );
}
