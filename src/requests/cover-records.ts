import type { Kysely } from 'kysely';
import type { Database, LicenseRow, RequestRow } from '../store/schema.js';
import { parseCoverEventKey } from './cover.js';
import { coverOutcome, type ExtensionFacts } from './cover-outcome.js';
import type { RequestOutcome } from '../ports/outcome.js';
import { loadLicense } from './request-records.js';

/** The license a cover event is about: the one of its lineage, else the current one. */
export async function licenseOfEvent(
  db: Kysely<Database>,
  requestId: string,
  eventKey: string,
): Promise<LicenseRow | undefined> {
  const event = parseCoverEventKey(eventKey);
  const lineage = event && 'lineage' in event ? event.lineage : undefined;
  return (
    (lineage === undefined ? undefined : await loadLicense(db, requestId, lineage)) ??
    (await loadLicense(db, requestId))
  );
}

/** Who extended to this lineage and why, from the timeline. */
export async function extensionFacts(
  db: Kysely<Database>,
  requestId: string,
  lineage: number,
): Promise<ExtensionFacts | undefined> {
  const rows = await db
    .selectFrom('timeline_events')
    .select(['actor', 'data'])
    .where('request_id', '=', requestId)
    .where('kind', '=', 'cover.extended')
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const data = row.data ? (JSON.parse(row.data) as { lineage?: number; reason?: string }) : {};
    if (data.lineage === lineage)
      return { by: row.actor ?? 'An approver', reason: data.reason ?? '' };
  }
  return undefined;
}

/** Cover news for a delivery whose purpose is a cover event key. */
export async function coverOutcomeOf(
  db: Kysely<Database>,
  request: RequestRow,
  eventKey: string,
  requestUrl: string | undefined,
): Promise<RequestOutcome> {
  const event = parseCoverEventKey(eventKey);
  const license = await licenseOfEvent(db, request.id, eventKey);
  const extension =
    event?.kind === 'extended' ? await extensionFacts(db, request.id, event.lineage) : undefined;
  return coverOutcome(request, license, eventKey, requestUrl, extension);
}
