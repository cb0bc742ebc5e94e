import { requireAction } from '../../access/require-action.js';
import type { Role } from '../../access/principal.js';
import type { AuditActor } from '../../audit/audit-entry.js';
import { emailDomainOf, type PolicySettings } from '../../policy/index.js';
import { isPublicEmailDomain } from '../../policy/customer-keys.js';
import { resendLicense } from '../resend-license.js';
import type { SubmitContext } from '../submit-request.js';
import { RequestNotFound } from './request-not-found.js';

export type ResendContext = Pick<
  SubmitContext,
  'store' | 'clock' | 'policy' | 'wake' | 'resendLimit'
>;

/**
 * The same license again, never a new one: to the request's address, or another at its company
 * domain; elsewhere, or past the resend limit, only by a role the access table allows. The
 * worker is woken once the resend is recorded.
 */
export async function resend(
  ctx: ResendContext,
  ask: { requestId: string; email?: string | undefined },
  caller: { name: string; role: Role },
  audit: AuditActor,
): Promise<{ deliveryId: string; to: string }> {
  const db = ctx.store.db;
  const to = ask.email?.toLowerCase();
  const own = await db
    .selectFrom('requests')
    .select('customer_email')
    .where('id', '=', ask.requestId)
    .executeTakeFirst();
  if (!own) throw new RequestNotFound(ask.requestId);
  if (to !== undefined && !withinRequestDomain(own.customer_email, to, ctx.policy))
    requireAction(caller.role, 'resendElsewhere');
  const resends = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('request_id', '=', ask.requestId)
    .where('medium', '=', 'email')
    .where('purpose', '=', 'resend')
    .executeTakeFirstOrThrow();
  if (Number(resends.n) >= ctx.resendLimit) requireAction(caller.role, 'resendBeyondLimit');
  const result = await resendLicense(db, ask.requestId, to, caller.name, ctx.clock.now(), audit);
  ctx.wake.notify();
  return result;
}

/**
 * An engineer may resend to the request's own address, or to another at the same company
 * domain; never to another mailbox at a public mail provider, where the domain names nobody.
 */
function withinRequestDomain(customerEmail: string, to: string, policy: PolicySettings): boolean {
  if (to === customerEmail.toLowerCase()) return true;
  const domain = emailDomainOf(customerEmail.toLowerCase());
  return (
    domain !== undefined && !isPublicEmailDomain(domain, policy) && emailDomainOf(to) === domain
  );
}
