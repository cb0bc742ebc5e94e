import type { Kysely } from 'kysely';
import type { Decision } from '../policy/index.js';
import { compiledOnce } from '../store/compiled-once.js';
import type { Database, DeliveryRow, LicenseRow, RequestRow } from '../store/schema.js';
import { deliveryColumns, licenseColumns, requestColumns } from '../store/table-columns.js';

/** Reads of one request's records, shared by the steps and the API. */
export async function loadRequest(
  db: Kysely<Database>,
  requestId: string,
): Promise<RequestRow | undefined> {
  return (await selectRequest(db, requestId)).rows[0];
}

// Each step reads its request, its license and its decision: compiled once (see compiledOnce),
// their columns named (table-columns.ts).
const selectRequest = compiledOnce((db, id: string) =>
  db.selectFrom('requests').select(requestColumns).where('id', '=', id),
);
const selectCurrentLicense = compiledOnce((db, requestId: string) =>
  db
    .selectFrom('licenses')
    .select(licenseColumns)
    .where('request_id', '=', requestId)
    .orderBy('lineage_index', 'desc')
    .limit(1),
);
const selectLicenseAt = compiledOnce((db, requestId: string, lineageIndex: number) =>
  db
    .selectFrom('licenses')
    .select(licenseColumns)
    .where('request_id', '=', requestId)
    .where('lineage_index', '=', lineageIndex),
);
const selectDecision = compiledOnce((db, requestId: string) =>
  db.selectFrom('decisions').select('document').where('request_id', '=', requestId),
);
const selectDelivery = compiledOnce((db, id: string) =>
  db.selectFrom('deliveries').select(deliveryColumns).where('id', '=', id),
);

/**
 * The request's current license (the newest of its lineage: an extension replaces the first),
 * or the one at `lineageIndex`.
 */
export async function loadLicense(
  db: Kysely<Database>,
  requestId: string,
  lineageIndex?: number,
): Promise<LicenseRow | undefined> {
  const found =
    lineageIndex === undefined
      ? await selectCurrentLicense(db, requestId)
      : await selectLicenseAt(db, requestId, lineageIndex);
  return found.rows[0];
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
  const row = (await selectDecision(db, requestId)).rows[0];
  return row ? (JSON.parse(row.document) as Decision) : undefined;
}

/** The delivery a job carries out, unless it has already been delivered (a job run twice). */
export async function loadUndeliveredDelivery(
  db: Kysely<Database>,
  deliveryId: string | null,
): Promise<DeliveryRow | undefined> {
  if (!deliveryId) return undefined;
  const delivery = (await selectDelivery(db, deliveryId)).rows[0];
  return delivery?.state === 'delivered' ? undefined : delivery;
}
