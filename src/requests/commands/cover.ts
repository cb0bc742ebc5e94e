import type { Store } from '../../store/database.js';
import type { Clock } from '../../clock.js';
import type { WakeSignal } from '../../jobs/wake-signal.js';
import type { AuditActor } from '../../audit/audit-entry.js';
import { requireAction } from '../../access/require-action.js';
import type { Role } from '../../access/principal.js';
import { askExtension, type ExtensionContext } from '../extend-license.js';
import { recordRenewal, type RenewalContext } from '../record-renewal.js';
import { requestDetail } from '../request-view.js';
import { RequestNotFound } from './request-not-found.js';

export interface CoverCommandContext {
  store: Store;
  clock: Clock;
  wake: WakeSignal;
  renewal: RenewalContext;
  extension: ExtensionContext;
}

/**
 * Records the customer's renewal from their new license file, or (a role the access table
 * allows) marks it done with a reason; answers the request's renewal as it now reads.
 */
export async function renew(
  ctx: CoverCommandContext,
  ask: { requestId: string; licenseFile?: string | undefined; reason?: string | undefined },
  caller: { role: Role },
  audit: AuditActor,
) {
  if (ask.licenseFile === undefined) requireAction(caller.role, 'markRenewed');
  await ensureRequest(ctx.store, ask.requestId);
  await recordRenewal(
    ctx.store.db,
    ctx.renewal,
    ask.requestId,
    ask.licenseFile !== undefined ? { licenseFile: ask.licenseFile } : { reason: ask.reason ?? '' },
    audit,
    ctx.clock.now(),
  );
  ctx.wake.notify();
  return (await requestDetail(ctx.store.db, ask.requestId, ctx.clock.today()))?.renewal;
}

/** A new temporary license in the request's lineage, for a cover still waiting for its renewal. */
export async function extend(
  ctx: CoverCommandContext,
  ask: { requestId: string; reason: string; userCount?: number | undefined },
  caller: { name: string },
  audit: AuditActor,
) {
  await ensureRequest(ctx.store, ask.requestId);
  const result = await askExtension(
    ctx.store.db,
    ctx.extension,
    ask.requestId,
    { reason: ask.reason, ...(ask.userCount !== undefined && { userCount: ask.userCount }) },
    { name: caller.name },
    audit,
    ctx.clock.now(),
  );
  ctx.wake.notify();
  return result;
}

async function ensureRequest(store: Store, id: string): Promise<void> {
  const found = await store.db
    .selectFrom('requests')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!found) throw new RequestNotFound(id);
}
