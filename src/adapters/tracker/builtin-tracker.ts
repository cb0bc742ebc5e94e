import type { Kysely } from 'kysely';
import { compiledOnce } from '../../store/compiled-once.js';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import type { ReadinessCheck } from '../../ports/remote-failure.js';
import type {
  Tracker,
  TrackerComment,
  TrackerIssueDraft,
  TrackerIssueRef,
} from '../../ports/tracker.js';

// Each of a request's moves writes its issue: compiled once (see compiledOnce). The update
// takes the new row's values (`excluded`), so each value is bound once.
const upsertIssue = compiledOnce(
  (
    db,
    requestId: string,
    title: string,
    description: string,
    state: string,
    createdAt: number,
    updatedAt: number,
    closedAt: number | null,
  ) =>
    db
      .insertInto('tracker_issues')
      .values({
        request_id: requestId,
        title,
        description,
        state,
        created_at: createdAt,
        updated_at: updatedAt,
        closed_at: closedAt,
      })
      .onConflict((oc) =>
        oc.column('request_id').doUpdateSet((eb) => ({
          title: eb.ref('excluded.title'),
          description: eb.ref('excluded.description'),
          state: eb.ref('excluded.state'),
          updated_at: eb.ref('excluded.updated_at'),
          closed_at: eb.ref('excluded.closed_at'),
        })),
      )
      // The issue as written, new or updated: its number is the database's.
      .returning(['number', 'title', 'state']),
);

/**
 * The tracker that ships with Lifeline: issues kept in its own database, one per request (the
 * request id is unique), readable at `GET /api/v1/tracker/issues` and in the console.
 */
export function createBuiltinTracker(
  store: Store,
  now: () => number = Date.now,
): Tracker<Kysely<Database>> {
  const db = store.db;
  const inStore = {
    async upsert(trx: Kysely<Database>, draft: TrackerIssueDraft): Promise<TrackerIssueRef> {
      const at = now();
      const closedAt = draft.state === 'closed' ? at : null;
      const written = await upsertIssue(
        trx,
        draft.requestId,
        draft.title,
        draft.description,
        draft.state,
        at,
        at,
        closedAt,
      );
      const row = written.rows[0];
      if (!row) throw new Error(`The tracker issue of request ${draft.requestId} was not written.`);
      return {
        number: Number(row.number),
        title: row.title,
        state: row.state === 'closed' ? 'closed' : 'open',
      };
    },
  };
  return {
    name: 'builtin',
    inStore,
    // Callers outside a transaction of their own (a batch's issue) write it on its own.
    upsert: (draft: TrackerIssueDraft) => inStore.upsert(db, draft),
    async comment(issue: TrackerIssueRef, comment: TrackerComment): Promise<{ ref: string }> {
      await db
        .insertInto('tracker_issue_comments')
        .values({
          issue_number: issue.number,
          key: comment.key,
          body: comment.body,
          created_at: now(),
        })
        .onConflict((oc) => oc.columns(['issue_number', 'key']).doNothing())
        .execute();
      return { ref: `#${issue.number} (${comment.key})` };
    },
    check(): Promise<ReadinessCheck[]> {
      return Promise.resolve([
        {
          name: 'tracker',
          ok: true,
          detail: 'built-in tracker (issues kept in Lifeline’s database)',
        },
      ]);
    },
  };
}
