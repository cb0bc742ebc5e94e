import type { Kysely } from 'kysely';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import type { ReadinessCheck } from '../../ports/remote-failure.js';
import type {
  Tracker,
  TrackerComment,
  TrackerIssueDraft,
  TrackerIssueRef,
} from '../../ports/tracker.js';

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
      await trx
        .insertInto('tracker_issues')
        .values({
          request_id: draft.requestId,
          title: draft.title,
          description: draft.description,
          state: draft.state,
          created_at: at,
          updated_at: at,
          closed_at: closedAt,
        })
        .onConflict((oc) =>
          oc.column('request_id').doUpdateSet({
            title: draft.title,
            description: draft.description,
            state: draft.state,
            updated_at: at,
            closed_at: closedAt,
          }),
        )
        .execute();
      const row = await trx
        .selectFrom('tracker_issues')
        .select(['number', 'title', 'state'])
        .where('request_id', '=', draft.requestId)
        .executeTakeFirstOrThrow();
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
