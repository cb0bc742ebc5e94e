import type { Kysely } from 'kysely';
import type { Database, LicenseRow } from '../../store/schema.js';
import { newRowId } from '../../store/row-id.js';
import { licenseColumns } from '../../store/table-columns.js';
import { enqueueJobs } from '../../jobs/sql/enqueue-jobs.js';
import type { RequestStepHandler } from '../../jobs/job-handler.js';
import { defineRequestStep } from '../../jobs/step.js';
import {
  addDays,
  buildEmergencyLicense,
  licenseFingerprint,
  signLicense,
} from '../../license/index.js';
import type { CalendarDate } from '../../license/index.js';
import { ensureDelivery } from '../deliveries.js';
import { failRequest } from '../fail-request.js';
import { emailDeliveryId } from '../delivery-ids.js';
import type { PipelineContext } from '../pipeline-context.js';
import { moveRequest } from '../request-life.js';
import { loadDecision, loadLicense, loadRequest } from '../request-records.js';
import { recordSignature } from '../signatures.js';
import { recordEvents, type TimelineEntry } from '../timeline.js';
import { sendEmail } from './send-email.js';

export const generateLicense = defineRequestStep({
  kind: 'generate_license',
  label: 'generate the license',
  maxAttempts: 5,
  concurrency: 4,
  // A retry is a new round: its job is new, the license it finds is the stored one.
  uniqueKey: ({ requestId, round = 0 }: { requestId: string; round?: number }) =>
    `generate_license:${requestId}:${round}`,
  place: ({ requestId }) => ({ requestId }),
  handler: (ctx: PipelineContext) => generateLicenseStep(ctx),
});

/**
 * Makes the request's license, once. The license is encoded outside the transaction (it is
 * CPU work) and stored with `ON CONFLICT DO NOTHING` on the request id and lineage index 0: if two attempts race
 * (a lease taken over from a slow worker), only one license is ever stored, and only a stored
 * license is ever sent. In the same transaction the email delivery and its job are created, and
 * the signature is recorded with the key that made it (src/requests/signatures.ts).
 */
function generateLicenseStep(ctx: PipelineContext): RequestStepHandler {
  const db = ctx.store.db;
  return {
    async run(job, _signal, settle) {
      const request = await loadRequest(db, job.requestId);
      // Never a license for a request that is refused, done, or still waiting for an approver.
      if (
        !request ||
        request.state === 'rejected' ||
        request.state === 'succeeded' ||
        request.state === 'awaiting_approval'
      )
        return;
      const existing = await loadLicense(db, request.id, 0);
      const now = ctx.clock.now();
      let candidate:
        | {
            text: string;
            fingerprint: string;
            attributes: ReturnType<typeof buildEmergencyLicense>;
          }
        | undefined;
      if (!existing) {
        // The decision fixed what GitLab must be told besides the seats (previous_user_count).
        const terms = (await loadDecision(db, request.id))?.licenseTerms;
        const attributes = buildEmergencyLicense(
          {
            customerEmail: request.customer_email,
            userCount: Number(request.user_count),
            at: ctx.clock.moment(),
            ...(terms?.previousUserCount !== undefined && {
              previousUserCount: terms.previousUserCount,
            }),
          },
          ctx.licenseSettings,
        );
        const text = await signLicense(attributes, ctx.signer);
        candidate = { attributes, text, fingerprint: licenseFingerprint(text) };
      }
      ctx.crashPoint?.('generate_license:before_store');
      const deliveryId = emailDeliveryId(request.id);
      await db.transaction().execute(async (trx) => {
        // The license this request keeps: the one found before, or the one stored now, or the
        // one an attempt racing this one stored first.
        let kept = existing;
        if (candidate) {
          const inserted = await trx
            .insertInto('licenses')
            .values({
              id: newRowId(),
              request_id: request.id,
              lineage_index: 0,
              text: candidate.text,
              fingerprint: candidate.fingerprint,
              plan: candidate.attributes.restrictions?.plan ?? 'starter',
              trial: candidate.attributes.restrictions?.trial ? 1 : 0,
              user_count: candidate.attributes.restrictions?.active_user_count ?? 0,
              issued_at: candidate.attributes.issued_at,
              expires_at: candidate.attributes.expires_at,
              key_fingerprint: ctx.signer.fingerprint,
              created_at: now,
            })
            .onConflict((oc) => oc.columns(['request_id', 'lineage_index']).doNothing())
            .returning(licenseColumns)
            .executeTakeFirst();
          kept = inserted ?? (await storedLicense(trx, request.id));
        }
        await ensureDelivery(
          trx,
          {
            id: deliveryId,
            requestId: request.id,
            medium: 'email',
            purpose: 'license',
            destination: request.customer_email,
          },
          now,
        );
        await enqueueJobs(trx, [sendEmail.job({ requestId: request.id, deliveryId })], now);
        const moved = await moveRequest(
          trx,
          request.id,
          {
            to: 'issuing',
            patch: { failed_step: null, failure_message: null, failure_next_action: null },
          },
          { now },
        );
        const said: TimelineEntry[] = [];
        if (moved !== undefined) {
          const stored = kept ?? (await storedLicense(trx, request.id));
          said.push({
            requestId: request.id,
            kind: 'license.generated',
            message: `Generated an Ultimate trial license for ${request.user_count} users: it works through ${addDays(stored.expires_at as CalendarDate, -1)} (expires at 00:00 on ${stored.expires_at}, server time).`,
            data: { fingerprint: stored.fingerprint, keyFingerprint: stored.key_fingerprint },
          });
        }
        // The signature first, with the event above in one statement, and its audit entry last.
        if (candidate && kept) {
          await recordSignature(
            trx,
            {
              requestId: request.id,
              licenseFingerprint: candidate.fingerprint,
              keyFingerprint: ctx.signer.fingerprint,
              signer: ctx.signer.description,
              kept: kept.fingerprint === candidate.fingerprint,
            },
            now,
            said,
          );
        } else await recordEvents(trx, said, now);
        // Last, so the claim it makes for the freed slot sees the email job queued above.
        await settle.complete(trx);
      });
      ctx.crashPoint?.('generate_license:after_store');
    },
    async onFailed(job, verdict) {
      await failRequest(
        db,
        job.requestId,
        generateLicense,
        verdict,
        ctx.destinations,
        ctx.clock.now(),
        ctx,
      );
    },
  };
}

/** The request's first license, as stored (this attempt's, or an earlier one's it lost to). */
async function storedLicense(trx: Kysely<Database>, requestId: string): Promise<LicenseRow> {
  const license = await loadLicense(trx, requestId, 0);
  if (!license) throw new Error(`The license of request ${requestId} was not stored.`);
  return license;
}
