import type { Kysely } from 'kysely';
import type { Decision } from '../policy/index.js';
import type { Database, DeliveryRow, LicenseRow, RequestRow } from '../store/schema.js';

/** Reads of one request's records, shared by the steps and the API. */
export async function loadRequest(
  db: Kysely<Database>,
  requestId: string,
): Promise<RequestRow | undefined> {
  return db.selectFrom('requests').selectAll().where('id', '=', requestId).executeTakeFirst();
}

/**
 * The request's current license (the newest of its lineage: an extension replaces the first),
 * or the one at `lineageIndex`.
 */
export async function loadLicense(
  db: Kysely<Database>,
  requestId: string,
  lineageIndex?: number,
): Promise<LicenseRow | undefined> {
  return db
    .selectFrom('licenses')
    .selectAll()
    .where('request_id', '=', requestId)
    .$if(lineageIndex !== undefined, (q) => q.where('lineage_index', '=', lineageIndex ?? 0))
    .orderBy('lineage_index', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every license of the request, in order: the first, then each extension. */
export async function loadLicenses(db: Kysely<Database>, requestId: string): Promise<LicenseRow[]> {
  return db
    .selectFrom('licenses')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('lineage_index')
    .execute();
}

export async function loadDecision(
  db: Kysely<Database>,
  requestId: string,
): Promise<Decision | undefined> {
  const row = await db
    .selectFrom('decisions')
    .select('document')
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.document) as Decision) : undefined;
}

/** The delivery a job carries out, unless it has already been delivered (a job run twice). */
export async function loadUndeliveredDelivery(
  db: Kysely<Database>,
  deliveryId: string | null,
): Promise<DeliveryRow | undefined> {
  if (!deliveryId) return undefined;
  const delivery = await db
    .selectFrom('deliveries')
    .selectAll()
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  return delivery?.state === 'delivered' ? undefined : delivery;
}
