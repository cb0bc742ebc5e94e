import type { Kysely } from 'kysely';
import { coverStates, type CoverState } from '../requests/cover.js';
import type { Database } from '../store/schema.js';

/** Delivered requests by cover state, every state present (0 when none): dashboard and metrics. */
export async function coverCounts(db: Kysely<Database>): Promise<Record<CoverState, number>> {
  const rows = await db
    .selectFrom('requests')
    .select(['cover_state', (eb) => eb.fn.countAll<number>().as('count')])
    .where('cover_state', 'is not', null)
    .groupBy('cover_state')
    .execute();
  const counts = Object.fromEntries(coverStates.map((state) => [state, 0])) as Record<
    CoverState,
    number
  >;
  for (const row of rows) {
    if ((coverStates as readonly string[]).includes(row.cover_state ?? ''))
      counts[row.cover_state as CoverState] = Number(row.count);
  }
  return counts;
}
