import type { Kysely } from 'kysely';
import type { AuditActor } from '../audit/audit-entry.js';
import type { Database } from '../store/schema.js';

/**
 * An approver's ask for an extension, kept in the request's timeline (`cover.extension_asked`)
 * in the transaction that queues its `extend_license` job: the job signs what was asked, for
 * whom it was asked, and audits the license in the asker's name.
 */
export interface ExtensionAsk {
  lineage: number;
  round: number;
  reason: string;
  userCount: number;
  by: string;
  audit: AuditActor;
  at: number;
}

/** Where an extension stands, as `renewal.extension` shows it. */
export type ExtensionAskState = 'pending' | 'made' | 'failed';

/** The latest ask of the request (for one lineage index when given). */
export async function latestExtensionAsk(
  db: Kysely<Database>,
  requestId: string,
  lineage?: number,
): Promise<ExtensionAsk | undefined> {
  const rows = await db
    .selectFrom('timeline_events')
    .select(['data', 'at'])
    .where('request_id', '=', requestId)
    .where('kind', '=', 'cover.extension_asked')
    .orderBy('id', 'desc')
    .execute();
  for (const row of rows) {
    const ask = { ...(JSON.parse(row.data ?? '{}') as ExtensionAsk), at: Number(row.at) };
    if (lineage === undefined || ask.lineage === lineage) return ask;
  }
  return undefined;
}

/**
 * The latest ask and where it stands: made once the request counts its license, failed when a
 * `cover.extension_failed` event of its round came after it, else pending (the job is queued or
 * signing).
 */
export function extensionAskView(
  timeline: readonly { kind: string; data: string | null; message: string }[],
  extensions: number,
) {
  const parsed = timeline.map((event) => ({
    kind: event.kind,
    message: event.message,
    data: JSON.parse(event.data ?? '{}') as Partial<ExtensionAsk>,
  }));
  const ask = parsed.findLast((event) => event.kind === 'cover.extension_asked');
  if (!ask) return null;
  const { lineage = 0, round = 0, userCount = 0, by = '', reason = '' } = ask.data;
  const failed = parsed.findLast(
    (event) =>
      event.kind === 'cover.extension_failed' &&
      event.data.lineage === lineage &&
      event.data.round === round,
  );
  const state: ExtensionAskState = extensions >= lineage ? 'made' : failed ? 'failed' : 'pending';
  return {
    state,
    lineage,
    userCount,
    requestedBy: by,
    reason,
    ...(state === 'failed' && failed && { failure: failed.message }),
  };
}

export type ExtensionAskView = NonNullable<ReturnType<typeof extensionAskView>>;
