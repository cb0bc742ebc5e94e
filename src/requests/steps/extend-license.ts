import { newRowId } from '../../store/row-id.js';
import { appendAudit } from '../../audit/audit-store.js';
import type { RequestStepHandler } from '../../jobs/job-handler.js';
import { defineRequestStep } from '../../jobs/step.js';
import { enqueueJobs } from '../../jobs/sql/enqueue-jobs.js';
import {
  addDays,
  buildEmergencyLicense,
  licenseFingerprint,
  signLicense,
} from '../../license/index.js';
import { announceCover, scheduleCover } from '../cover-announcements.js';
import { ensureDelivery } from '../deliveries.js';
import { latestExtensionAsk } from '../extension-asks.js';
import { coverDeliveryId, extensionAskKey, lineageOfExtensionAsk } from '../delivery-ids.js';
import type { PipelineContext } from '../pipeline-context.js';
import { changeRequest } from '../request-life.js';
import { sendEmail } from './send-email.js';
import { loadDecision, loadRequest } from '../request-records.js';
import { recordSignature } from '../signatures.js';
import { recordEvent } from '../timeline.js';

/**
 * Signs the extension an approver asked for (src/requests/extend-license.ts) and records it as
 * the next license of the request's lineage: its own fingerprint, dated like the first from
 * when it is signed, the asked seats. The license is signed outside the transaction (a PKCS#11
 * module may be slow) and stored only in the transaction that moves the request's count of
 * extensions from the one before (a conditional update): a crash between signing and storing
 * stores nothing and the next attempt signs again, two workers on one job store one license,
 * and a cover renewed meanwhile gets none. In that same transaction the email, the reminders
 * of the new end day and the announcements are queued, as for the first license.
 */
export const extendLicense = defineRequestStep({
  kind: 'extend_license',
  label: 'sign the extension',
  maxAttempts: 5,
  concurrency: 1,
  uniqueKey: ({
    requestId,
    lineage,
    round,
  }: {
    requestId: string;
    lineage: number;
    round: number;
  }) => `extend_license:${requestId}:L${lineage}:${round}`,
  place: ({ requestId, lineage }) => ({ requestId, deliveryId: extensionAskKey(lineage) }),
  handler: (ctx: PipelineContext) => extendLicenseStep(ctx),
});

function extendLicenseStep(ctx: PipelineContext): RequestStepHandler {
  const db = ctx.store.db;
  return {
    async run(job) {
      const lineage = lineageOfExtensionAsk(job.deliveryId);
      if (lineage === undefined) return;
      const request = await loadRequest(db, job.requestId);
      if (!request || Number(request.extensions) >= lineage) return;
      const ask = await latestExtensionAsk(db, request.id, lineage);
      if (!ask) return;
      const terms = (await loadDecision(db, request.id))?.licenseTerms;
      const attributes = buildEmergencyLicense(
        {
          customerEmail: request.customer_email,
          userCount: ask.userCount,
          at: ctx.clock.moment(),
          ...(terms?.previousUserCount !== undefined && {
            previousUserCount: terms.previousUserCount,
          }),
        },
        ctx.licenseSettings,
      );
      const text = await signLicense(attributes, ctx.signer);
      const fingerprint = licenseFingerprint(text);
      const endsOn = attributes.expires_at;
      ctx.crashPoint?.('extend_license:before_store');
      const now = ctx.clock.now();
      await db.transaction().execute(async (trx) => {
        const moved = await trx
          .updateTable('requests')
          .set({ extensions: lineage })
          .where('id', '=', request.id)
          .where('extensions', '=', lineage - 1)
          .where('cover_state', 'in', ['pending', 'extended'])
          .executeTakeFirst();
        if (moved.numUpdatedRows === 0n) {
          // Signed and never stored (another attempt stored first, or the cover moved on):
          // accounted for, never sent.
          await recordSignature(
            trx,
            {
              requestId: request.id,
              licenseFingerprint: fingerprint,
              keyFingerprint: ctx.signer.fingerprint,
              signer: ctx.signer.description,
              kept: false,
            },
            now,
          );
          const latest = await trx
            .selectFrom('requests')
            .select(['extensions', 'cover_state'])
            .where('id', '=', request.id)
            .executeTakeFirstOrThrow();
          if (Number(latest.extensions) >= lineage) return;
          await recordEvent(
            trx,
            {
              requestId: request.id,
              kind: 'cover.extension_failed',
              message: `The extension ${ask.by} asked for was not made: the cover is ${latest.cover_state ?? 'not open'} now, and only a cover still waiting for its renewal is extended.`,
              data: { lineage, round: ask.round },
            },
            now,
          );
          return;
        }
        await trx
          .insertInto('licenses')
          .values({
            id: newRowId(),
            request_id: request.id,
            lineage_index: lineage,
            text,
            fingerprint,
            plan: attributes.restrictions?.plan ?? 'ultimate',
            trial: attributes.restrictions?.trial ? 1 : 0,
            user_count: ask.userCount,
            issued_at: attributes.issued_at,
            expires_at: endsOn,
            key_fingerprint: ctx.signer.fingerprint,
            created_at: now,
          })
          .execute();
        await recordSignature(
          trx,
          {
            requestId: request.id,
            licenseFingerprint: fingerprint,
            keyFingerprint: ctx.signer.fingerprint,
            signer: ctx.signer.description,
            kept: true,
          },
          now,
        );
        const deliveryId = coverDeliveryId(request.id, 'email', `license-L${lineage}`);
        await ensureDelivery(
          trx,
          {
            id: deliveryId,
            requestId: request.id,
            medium: 'email',
            purpose: 'extension',
            destination: request.customer_email,
          },
          now,
        );
        await enqueueJobs(
          trx,
          [sendEmail.job({ requestId: request.id, deliveryId: deliveryId })],
          now,
        );
        await scheduleCover(
          trx,
          request.id,
          { state: 'extended', endsOn, lineage },
          ctx.cover,
          now,
        );
        // The tracker issue shows the request's current license.
        await changeRequest(trx, request.id, {}, now, { tracker: ctx });
        await recordEvent(
          trx,
          {
            requestId: request.id,
            kind: 'cover.extended',
            message: `Extended by ${ask.by} with a new temporary license for ${ask.userCount} users: it works through ${addDays(endsOn, -1)} (expires at 00:00 on ${endsOn}, server time). Reason: ${ask.reason}`,
            actor: ask.by,
            data: { lineage, reason: ask.reason, fingerprint, userCount: ask.userCount },
          },
          now,
        );
        await announceCover(trx, request.id, { kind: 'extended', lineage }, ctx.destinations, now);
        await appendAudit(
          trx,
          ask.audit,
          {
            action: 'request.extended',
            target: `request ${request.id}`,
            requestId: request.id,
            details: {
              state: 'made',
              lineage,
              fingerprint,
              userCount: ask.userCount,
              reason: ask.reason,
            },
          },
          now,
        );
      });
      ctx.crashPoint?.('extend_license:after_store');
      ctx.wake.notify();
    },
    async onFailed(job, verdict) {
      const lineage = lineageOfExtensionAsk(job.deliveryId);
      if (lineage === undefined) return;
      const ask = await latestExtensionAsk(db, job.requestId, lineage);
      await recordEvent(
        db,
        {
          requestId: job.requestId,
          kind: 'cover.extension_failed',
          message: `Could not sign the extension${ask ? ` ${ask.by} asked for` : ''}: ${verdict.message.replace(/\.$/, '')}. Ask again once that is fixed; no license was made.`,
          data: { lineage, round: ask?.round ?? 0 },
        },
        ctx.clock.now(),
      );
    },
  };
}
