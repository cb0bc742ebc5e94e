import type { NewJob } from '../jobs/job.js';
import type { OutcomeKind } from './outcome.js';

/**
 * Which job does which step, with its key and its number of attempts. With the default backoff
 * (1 s doubling, capped at 10 min), 12 attempts span about an hour and 20 about two and a half.
 * Unique keys make every enqueue idempotent, so a step that runs twice after a crash adds nothing.
 */
export const emailDeliveryId = (requestId: string) => `${requestId}:email:license`;
export const noticeDeliveryId = (requestId: string, outcome: OutcomeKind) =>
  `${requestId}:notice:${outcome}`;
export const ticketDeliveryId = (requestId: string, outcome: OutcomeKind) =>
  `${requestId}:ticket:${outcome}`;
export const trackerDeliveryId = (requestId: string) => `${requestId}:tracker`;

export function generateLicenseJob(requestId: string, round = 0): NewJob {
  return {
    kind: 'generate_license',
    requestId,
    maxAttempts: 5,
    uniqueKey: `generate_license:${requestId}:${round}`,
  };
}

export function sendEmailJob(requestId: string, deliveryId: string, round = 0): NewJob {
  return {
    kind: 'send_email',
    requestId,
    deliveryId,
    maxAttempts: 12,
    uniqueKey: `send_email:${deliveryId}:${round}`,
  };
}

export function trackerSyncJob(requestId: string, revision: number): NewJob {
  return {
    kind: 'sync_tracker_issue',
    requestId,
    deliveryId: trackerDeliveryId(requestId),
    maxAttempts: 20,
    uniqueKey: `sync_tracker_issue:${requestId}:${revision}`,
  };
}

export function noticeJob(requestId: string, deliveryId: string, round = 0): NewJob {
  return {
    kind: 'post_notice',
    requestId,
    deliveryId,
    maxAttempts: 12,
    uniqueKey: `post_notice:${deliveryId}:${round}`,
  };
}

export function ticketNoteJob(requestId: string, deliveryId: string, round = 0): NewJob {
  return {
    kind: 'note_ticket',
    requestId,
    deliveryId,
    maxAttempts: 12,
    uniqueKey: `note_ticket:${deliveryId}:${round}`,
  };
}

/** The deliveries of one cover event (a reminder, the lapse, the renewal, an extension). */
export const coverDeliveryId = (
  requestId: string,
  channel: 'notice' | 'ticket' | 'tracker' | 'email',
  eventKey: string,
) => `${requestId}:${channel}:${eventKey}`;

/**
 * A reminder or the lapse, due at its day. The job's delivery id carries the event key (there
 * is no delivery of its own: the job makes the event's deliveries when it runs).
 */
export function coverReminderJob(requestId: string, eventKey: string, runAt: number): NewJob {
  return {
    kind: 'cover_reminder',
    requestId,
    deliveryId: eventKey,
    runAt,
    maxAttempts: 20,
    uniqueKey: `cover_reminder:${requestId}:${eventKey}`,
  };
}

/**
 * The signing of an extension an approver asked for: one live job per request and lineage
 * index (its unique key is the claim), and a new round only after a round failed for good.
 */
export function extendLicenseJob(requestId: string, lineage: number, round: number): NewJob {
  return {
    kind: 'extend_license',
    requestId,
    deliveryId: extensionAskKey(lineage),
    maxAttempts: 5,
    uniqueKey: `extend_license:${requestId}:L${lineage}:${round}`,
  };
}

/** An extension's job names its lineage index, as a cover event key does. */
export const extensionAskKey = (lineage: number) => `extension-L${lineage}`;

export function lineageOfExtensionAsk(key: string | null): number | undefined {
  const match = /^extension-L(\d+)$/.exec(key ?? '');
  return match ? Number(match[1]) : undefined;
}

export function trackerCommentJob(requestId: string, deliveryId: string, round = 0): NewJob {
  return {
    kind: 'comment_tracker_issue',
    requestId,
    deliveryId,
    maxAttempts: 20,
    uniqueKey: `comment_tracker_issue:${deliveryId}:${round}`,
  };
}

/**
 * The end of a request's wait for approval: one job per request (its unique key), run at the
 * deadline by whichever worker claims it, so the expiry happens once across all workers.
 */
export function expireApprovalJob(requestId: string, runAt: number): NewJob {
  return {
    kind: 'expire_approval',
    requestId,
    runAt,
    maxAttempts: 20,
    uniqueKey: `expire_approval:${requestId}`,
  };
}
