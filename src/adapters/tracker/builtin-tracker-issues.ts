import { sql, type Kysely } from 'kysely';
import { Refusal } from '../../refusal.js';
import type { Database, TrackerIssueRow } from '../../store/schema.js';

/** No issue of the built-in tracker has this number (404). */
export class TrackerIssueNotFound extends Refusal {
  override readonly name = 'TrackerIssueNotFound';
  constructor(readonly issueNumber: number) {
    super('NOT_FOUND', `No tracker issue #${issueNumber}.`);
  }
}

export interface TrackerIssueQuery {
  state?: 'open' | 'closed' | undefined;
  /** Words in the title or description; `%` and `_` are literal. */
  search?: string | undefined;
  limit: number;
}

/** Issues of the built-in tracker, newest first: what the handbook calls the request tracker. */
export async function findTrackerIssues(db: Kysely<Database>, query: TrackerIssueQuery) {
  let q = db.selectFrom('tracker_issues').selectAll();
  if (query.state) q = q.where('state', '=', query.state);
  if (query.search) {
    // PostgreSQL's LIKE escapes with a backslash by default, SQLite's with nothing: say ESCAPE
    // on both.
    const term = `%${query.search.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    q = q.where(
      sql<boolean>`(lower(title) like ${term} escape '\\' or lower(description) like ${term} escape '\\')`,
    );
  }
  const rows = await q.orderBy('number', 'desc').limit(query.limit).execute();
  return { items: rows.map(trackerIssueView) };
}

/** One issue of the built-in tracker. */
export async function trackerIssue(db: Kysely<Database>, issueNumber: number) {
  const row = await db
    .selectFrom('tracker_issues')
    .selectAll()
    .where('number', '=', issueNumber)
    .executeTakeFirst();
  if (!row) throw new TrackerIssueNotFound(issueNumber);
  return trackerIssueView(row);
}

export type TrackerIssueView = ReturnType<typeof trackerIssueView>;

function trackerIssueView(row: TrackerIssueRow) {
  return {
    number: Number(row.number),
    requestId: row.request_id,
    title: row.title,
    state: row.state,
    description: row.description,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
    closedAt: row.closed_at === null ? null : new Date(Number(row.closed_at)).toISOString(),
  };
}
