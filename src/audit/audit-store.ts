import { sql, type Kysely } from 'kysely';
import { onPostgres } from '../store/dialect.js';
import { compiledOnce } from '../store/compiled-once.js';
import { wellFormed } from '../well-formed-text.js';
import type { AuditLogRow, Database } from '../store/schema.js';
import { genesisHash, type AuditActor, type AuditEntry, type AuditEvent } from './audit-entry.js';
import { entryHash, findChainBreak, type ChainBreak } from './chain.js';

/**
 * Appends one entry, inside the caller's transaction, so the entry exists exactly when what it
 * records committed. The head row is updated first: on PostgreSQL that takes its row lock until
 * the transaction ends (a second append waits, then sees the new head); SQLite runs one write
 * transaction at a time. Call it last in a transaction, so the lock is held briefly.
 */
export async function appendAudit(
  trx: Kysely<Database>,
  who: AuditActor,
  event: AuditEvent,
  now: number,
): Promise<AuditEntry> {
  const head = (await advanceHead(trx)).rows[0];
  if (!head) throw new Error('The audit log has no head row: run the migrations.');
  // The hash must be of what the database will give back. A lone UTF-16 surrogate has no UTF-8
  // form, so each database stores something else in its place (the API refuses one, but an
  // entry's text also comes from names and claims): it is replaced here by U+FFFD, as the
  // database would, before the hash. The details are JSON, which escapes it and reads it back.
  const content = {
    seq: Number(head.seq),
    at: new Date(now).toISOString(),
    actor: wellFormed(who.actor),
    role: who.role,
    address: wellFormed(who.address),
    action: event.action,
    target: event.target == null ? null : wellFormed(event.target),
    requestId: event.requestId ?? null,
    details: event.details ?? {},
  };
  const hash = entryHash(head.hash, content);
  // PostgreSQL writes the entry and the head's new hash in one statement (a data-modifying
  // WITH); SQLite has none, and a round trip there costs microseconds, not a network hop.
  const values: EntryValues = [
    content.seq,
    now,
    content.actor,
    content.role,
    content.address,
    content.action,
    content.target,
    content.requestId,
    JSON.stringify(content.details),
    head.hash,
    hash,
  ];
  if (onPostgres(trx)) await insertEntryAndHead(trx, hash, ...values);
  else {
    await insertEntry(trx, ...values);
    await setHeadHash(trx, hash);
  }
  return { ...content, prevHash: head.hash, hash };
}

// A request appends two entries: compiled once (see compiledOnce).
const advanceHead = compiledOnce((db) =>
  db
    .updateTable('audit_head')
    .set({ seq: sql`seq + 1` })
    .where('id', '=', 1)
    .returning(['seq', 'hash']),
);
/** An entry's row, from its values in the order each INSERT binds them. */
const entryRow = (
  seq: number,
  at: number,
  actor: string,
  role: string,
  address: string,
  action: string,
  target: string | null,
  requestId: string | null,
  details: string,
  prevHash: string,
  hash: string,
) => ({
  seq,
  at,
  actor,
  role,
  address,
  action,
  target,
  request_id: requestId,
  details,
  prev_hash: prevHash,
  hash,
});
type EntryValues = Parameters<typeof entryRow>;
const insertEntry = compiledOnce((db, ...values: EntryValues) =>
  db.insertInto('audit_log').values(entryRow(...values)),
);
// The head's hash is bound apart from the entry's (the same value): each value appears once.
const insertEntryAndHead = compiledOnce((db, headHash: string, ...values: EntryValues) =>
  db
    .with('head', (query) =>
      query.updateTable('audit_head').set({ hash: headHash }).where('id', '=', 1),
    )
    .insertInto('audit_log')
    .values(entryRow(...values)),
);
const setHeadHash = compiledOnce((db, hash: string) =>
  db.updateTable('audit_head').set({ hash }).where('id', '=', 1),
);

/** Appends in a transaction of its own: for actions that write nothing else (a download). */
export function recordAudit(
  db: Kysely<Database>,
  who: AuditActor,
  event: AuditEvent,
  now: number,
): Promise<AuditEntry> {
  return db.transaction().execute((trx) => appendAudit(trx, who, event, now));
}

export function auditEntryFromRow(row: AuditLogRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: new Date(Number(row.at)).toISOString(),
    actor: row.actor,
    role: row.role,
    address: row.address,
    action: row.action,
    target: row.target,
    requestId: row.request_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditVerification {
  /** The entries found intact: all of them, or those before the first that does not match. */
  entries: number;
  /** The last intact entry (entry 0, all zeros, for an empty log). */
  head: { seq: number; hash: string };
  broken?: ChainBreak;
}

/**
 * Walks the whole chain in order, a page at a time, and checks the head row points at its end
 * (a log cut short after its last entry shows there). Only a copy of the head kept elsewhere
 * (the daily notice) catches a log rewritten from the first entry with a new head.
 */
export async function verifyAuditLog(
  db: Kysely<Database>,
  pageSize = 1_000,
): Promise<AuditVerification> {
  let previous = { seq: 0, hash: genesisHash };
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', previous.seq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    const entries = rows.map(auditEntryFromRow);
    const broken = findChainBreak(previous, entries);
    if (broken) {
      const intact = entries.filter((entry) => entry.seq < broken.seq);
      const last = intact.at(-1);
      return {
        entries: count + intact.length,
        head: last ? { seq: last.seq, hash: last.hash } : previous,
        broken,
      };
    }
    count += entries.length;
    const last = entries.at(-1);
    if (!last || entries.length < pageSize) {
      if (last) previous = { seq: last.seq, hash: last.hash };
      break;
    }
    previous = { seq: last.seq, hash: last.hash };
  }
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  if (head && (Number(head.seq) !== previous.seq || head.hash !== previous.hash)) {
    return {
      entries: count,
      head: previous,
      broken: {
        seq: Number(head.seq) > previous.seq ? previous.seq + 1 : Number(head.seq),
        reason: `the head names entry ${Number(head.seq)}, the log ends at entry ${previous.seq}: entries were removed from its end or the head was changed`,
      },
    };
  }
  return { entries: count, head: previous };
}

export interface AuditSearch {
  actor?: string;
  action?: string;
  requestId?: string;
  /** Epoch ms: entries at or after. */
  since?: number;
  /** Entries older than this number (the previous page's `nextCursor`). */
  before?: number;
  limit: number;
}

/** Newest first, keyset by entry number so pages never shift. */
export async function searchAudit(
  db: Kysely<Database>,
  search: AuditSearch,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  let q = db.selectFrom('audit_log').selectAll();
  if (search.actor) q = q.where('actor', '=', search.actor);
  if (search.action) q = q.where('action', '=', search.action);
  if (search.requestId) q = q.where('request_id', '=', search.requestId);
  if (search.since !== undefined) q = q.where('at', '>=', search.since);
  if (search.before !== undefined) q = q.where('seq', '<', search.before);
  const rows = await q
    .orderBy('seq', 'desc')
    .limit(search.limit + 1)
    .execute();
  const items = rows.slice(0, search.limit).map(auditEntryFromRow);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > search.limit && last ? String(last.seq) : null,
  };
}

/** Every entry from `since` (epoch ms) on, oldest first, a page at a time: the export. */
export async function* auditEntriesSince(
  db: Kysely<Database>,
  since: number,
  pageSize = 1_000,
): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .where('at', '>=', since)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield auditEntryFromRow(row);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = Number(last.seq);
  }
}

/** The chain's head as stored: its last entry and how many there are. */
export async function readAuditHead(
  db: Kysely<Database>,
): Promise<{ entries: number; seq: number; hash: string }> {
  const last = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const count = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    entries: Number(count.n),
    seq: last ? Number(last.seq) : 0,
    hash: last?.hash ?? genesisHash,
  };
}

/**
 * Whether a head posted elsewhere is still in the chain: an intact chain that holds an entry
 * with the posted hash (at the posted number, when given) is the same history up to it, since
 * each hash covers all before it. Answers a sentence when it is not.
 */
export async function findPostedHead(
  db: Kysely<Database>,
  posted: { seq?: number; hash: string },
): Promise<{ seq: number } | { mismatch: string }> {
  // The head of a log with no entries yet (the first daily notice of a new service): the
  // chain's start, which every log holds.
  if ((posted.seq ?? 0) === 0 && posted.hash === genesisHash) return { seq: 0 };
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .$if(posted.seq !== undefined, (q) => q.where('seq', '=', posted.seq ?? 0))
    .$if(posted.seq === undefined, (q) => q.where('hash', '=', posted.hash))
    .executeTakeFirst();
  if (!row) {
    return {
      mismatch:
        posted.seq === undefined
          ? `no entry has the posted hash ${posted.hash}: the history up to the posted head was rewritten`
          : `there is no entry ${posted.seq}: entries up to the posted head were removed`,
    };
  }
  if (row.hash !== posted.hash) {
    return {
      mismatch: `entry ${Number(row.seq)} has hash ${row.hash}, the posted head says ${posted.hash}: the history up to it was rewritten`,
    };
  }
  return { seq: Number(row.seq) };
}
