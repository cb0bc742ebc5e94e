import type { AuditActor } from '../../audit/audit-entry.js';
import { recordAudit } from '../../audit/audit-store.js';
import { customerKeys } from '../../policy/index.js';
import { storedLicenseFileName } from '../license-file.js';
import type { RequestState } from '../request-life.js';
import { loadLicense } from '../request-records.js';
import { requestDetail, searchRequests } from '../request-view.js';
import type { SubmitContext } from '../submit-request.js';
import { Refusal } from '../../refusal.js';
import { RequestNotFound } from './request-not-found.js';

export type ReadContext = Pick<SubmitContext, 'store' | 'clock' | 'policy'>;

export interface RequestQuery {
  limit: number;
  email?: string | undefined;
  /** An address: the requests the repeat rule would match for it. */
  customer?: string | undefined;
  ticket?: string | undefined;
  state?: RequestState | undefined;
  since?: string | undefined;
  cursor?: string | undefined;
}

/** Requests, newest first, found the ways the console and the CLI search. */
export function findRequests(ctx: ReadContext, query: RequestQuery) {
  const { email, customer, ticket, state, since, limit, cursor } = query;
  return searchRequests(ctx.store.db, {
    limit,
    ...(email && { email }),
    ...(customer && { customer: customerKeys(customer, undefined, ctx.policy) }),
    ...(ticket && { ticket }),
    ...(state && { state }),
    ...(since && { since }),
    ...(cursor && { cursor }),
  });
}

/** One request as answers show it; with the extension limit, its cover says it too. */
export async function showRequest(
  ctx: ReadContext,
  requestId: string,
  options: { extensionsMax?: number } = {},
) {
  const detail = await requestDetail(
    ctx.store.db,
    requestId,
    ctx.clock.today(),
    options.extensionsMax,
  );
  if (!detail) throw new RequestNotFound(requestId);
  return detail;
}

/** The request has no license to download (404): rejected, failed early, or not made yet. */
export class NoLicenseToDownload extends Refusal {
  override readonly name = 'NoLicenseToDownload';
  constructor() {
    super(
      'NOT_FOUND',
      'This request has no license (rejected, failed before one was made, or not made yet).',
    );
  }
}

/** The request's license file, with its name; each download is in the audit log. */
export async function downloadLicense(ctx: ReadContext, requestId: string, audit: AuditActor) {
  const license = await loadLicense(ctx.store.db, requestId);
  if (!license) throw new NoLicenseToDownload();
  await recordAudit(
    ctx.store.db,
    audit,
    {
      action: 'license.downloaded',
      target: `request ${requestId}`,
      requestId,
      details: { fingerprint: license.fingerprint },
    },
    ctx.clock.now(),
  );
  return { fileName: storedLicenseFileName(license), text: license.text };
}
