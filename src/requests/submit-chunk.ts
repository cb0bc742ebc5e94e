import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import { lockNames } from '../store/advisory-locks.js';
import type { Database } from '../store/schema.js';
import { readSubmission, type ReadSubmission } from './decide-submission.js';
import { canonicalJson, sha256Hex } from './fingerprint.js';
import type { PreviewOptions } from './preview-decision.js';
import type { Requester, Submission } from './submission.js';
import {
  IdempotencyKeyReused,
  record,
  replayOf,
  submissionLockNames,
  type Recorded,
  type SubmitContext,
  type SubmitResult,
} from './submit-request.js';

export interface ChunkEntry {
  submission: Submission;
  idempotencyKey: string;
}

/**
 * Submits many requests in one transaction, each decided and recorded exactly as
 * `submitRequest` records one (its repeat rule sees the chunk's earlier rows, written before it
 * in the same transaction). What one submission pays per request — a look for an earlier answer,
 * its own commit, its own wake of the worker — is paid once per chunk: the earlier answers are
 * read in one query, the tickets are read before the transaction, the audit entries are appended
 * last, and the worker is woken once after the commit. `also` runs in the same transaction with
 * every answer, so what the caller records of them (a batch's rows) commits with the requests.
 * Answers are in the entries' order; an entry whose key an earlier entry of the chunk used gets
 * that entry's answer, replayed.
 */
export async function submitChunk(
  ctx: SubmitContext,
  entries: readonly ChunkEntry[],
  requester: Requester,
  audit: AuditActor,
  options: PreviewOptions,
  also: (trx: Kysely<Database>, answers: readonly SubmitResult[]) => Promise<void>,
): Promise<SubmitResult[]> {
  const keyed = entries.map((entry) => ({
    submission: entry.submission,
    key: `key:${entry.idempotencyKey}`,
    bodyFingerprint: sha256Hex(canonicalJson(entry.submission)),
  }));
  const unanswered = async (db: Kysely<Database>) => {
    const earlier = await earlierAnswers(db, keyed);
    return { earlier, fresh: keyed.filter((entry) => !earlier.has(entry.key)) };
  };
  const before = await unanswered(ctx.store.db);
  const reads = new Map<string, ReadSubmission>();
  for (const entry of before.fresh)
    if (!reads.has(entry.key)) reads.set(entry.key, await readSubmission(ctx, entry.submission));

  const answers = await ctx.store.db.transaction().execute(async (trx) => {
    let { earlier } = before;
    if (ctx.store.dialect === 'postgres') {
      // The same locks a single submission takes, all of them at once in one order, so the
      // chunk and a submission for one of its customers wait for each other and never deadlock.
      await lockNames(
        trx,
        ctx.store.dialect,
        [...reads].flatMap(([key, read]) => submissionLockNames(read.keys, key)),
      );
      earlier = (await unanswered(trx)).earlier;
    }
    const recorded: Recorded[] = [];
    const answers: SubmitResult[] = [];
    const madeFrom = new Map<string, string>();
    for (const entry of keyed) {
      const first = earlier.get(entry.key);
      const madeBody = madeFrom.get(entry.key);
      if (first && madeBody !== undefined && madeBody !== entry.bodyFingerprint)
        throw new IdempotencyKeyReused(first.body.id);
      const answer = first ?? (await answerOf(entry));
      // SQLite answers synchronously, so without a turn of the event loop per row the other
      // steps' file and network callbacks (an outbox write, a remote's answer) wait for the chunk.
      if (ctx.store.dialect === 'sqlite') await new Promise((resolve) => setImmediate(resolve));
      answers.push(answer);
      if (!first) {
        earlier.set(entry.key, { ...answer, replayed: true });
        madeFrom.set(entry.key, entry.bodyFingerprint);
      }
    }
    async function answerOf(entry: (typeof keyed)[number]): Promise<SubmitResult> {
      const read = reads.get(entry.key) ?? (await readSubmission(ctx, entry.submission));
      const made = await record(
        trx,
        ctx,
        entry.submission,
        read,
        requester,
        entry.key,
        entry.bodyFingerprint,
        { volumeApproved: options.volumeApproved ?? false },
      );
      recorded.push(made);
      return made.result;
    }
    await also(trx, answers);
    // Last, so the audit log's head is held only for the end of the transaction.
    for (const made of recorded) await appendAudit(trx, audit, made.audit, made.at);
    return answers;
  });
  if (answers.some((answer) => answer.status === 202 && !answer.replayed)) ctx.wake.notify();
  return answers;
}

/** The stored answers of the entries whose keys already have a request, by key. */
async function earlierAnswers(
  db: Kysely<Database>,
  entries: readonly { key: string; bodyFingerprint: string }[],
): Promise<Map<string, SubmitResult>> {
  const found = new Map<string, SubmitResult>();
  if (entries.length === 0) return found;
  const rows = await db
    .selectFrom('requests')
    .select(['id', 'idempotency_key', 'body_fingerprint', 'first_response'])
    .where('idempotency_key', 'in', [...new Set(entries.map((entry) => entry.key))])
    .execute();
  const byKey = new Map(rows.map((row) => [row.idempotency_key, row]));
  for (const entry of entries) {
    const row = byKey.get(entry.key);
    const answer = row && replayOf(row, entry.bodyFingerprint);
    if (answer) found.set(entry.key, answer);
  }
  return found;
}
