import type { AuditActor } from '../../audit/audit-entry.js';
import { retryRequest } from '../retry-request.js';
import type { SubmitContext } from '../submit-request.js';
import { RequestNotFound } from './request-not-found.js';

export type RetryContext = Pick<SubmitContext, 'store' | 'clock' | 'wake'>;

/** Continues a request from the step that failed; the worker is woken once that is recorded. */
export async function retry(
  ctx: RetryContext,
  requestId: string,
  caller: { name: string },
  audit: AuditActor,
): Promise<{ retried: string[] }> {
  const found = await ctx.store.db
    .selectFrom('requests')
    .select('id')
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!found) throw new RequestNotFound(requestId);
  const result = await retryRequest(ctx.store.db, requestId, caller.name, ctx.clock.now(), audit);
  ctx.wake.notify();
  return result;
}
