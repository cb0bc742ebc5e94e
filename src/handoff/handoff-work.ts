import { appendAudit } from '../audit/audit-store.js';
import { schedulerActor } from '../audit/audit-head-notice.js';
import type { Clock } from '../clock.js';
import type { Mailer } from '../ports/mailer.js';
import type { NoticeChannel } from '../ports/notice-channel.js';
import { calendarDateOf } from '../license/calendar-date.js';
import { lastSucceededBefore } from '../schedule/schedule-runs.js';
import type { ScheduledWork } from '../schedule/scheduler.js';
import type { Store } from '../store/database.js';
import { parseSince, sinceSentence, type HandoffDigest } from './handoff-digest.js';
import { buildHandoffDigest } from './handoff-query.js';
import { renderHandoffEmail, renderHandoffNotice } from './handoff-text.js';

/** The first digest (no earlier one sent) covers a week. */
export const firstDigestDays = 7;

/** Where a digest ending at `until` starts: the last digest sent, else a week before. */
export async function digestStart(store: Store, until: number): Promise<number> {
  return (
    (await lastSucceededBefore(store.db, 'handoff', until)) ?? until - firstDigestDays * 86_400_000
  );
}

/**
 * The digest on demand (CLI, API, console): until `now`, since `sinceText` (`3d`, a date) or,
 * without it, since the last digest sent. Answers a sentence for a `since` it cannot read.
 */
export async function handoffOnDemand(
  store: Store,
  sinceText: string | undefined,
  now: number,
): Promise<HandoffDigest | { problem: string }> {
  const since =
    sinceText === undefined ? await digestStart(store, now) : parseSince(sinceText, now);
  if (since === undefined) return { problem: `${sinceSentence} (got "${sinceText ?? ''}").` };
  return buildHandoffDigest(store.db, { since, now, today: calendarDateOf(new Date(now)) });
}

/**
 * The scheduled hand-off: the digest since the last one sent, to the channel and each address.
 * The period ends at the occurrence, not at the moment it runs, so a retry sends the same digest.
 */
export function handoffWork(deps: {
  store: Store;
  clock: Clock;
  notice: NoticeChannel;
  mailer: Mailer;
  mail: { from: string; replyTo?: string; messageIdDomain: string };
  emails: readonly string[];
}): ScheduledWork {
  return async (occurrence) => {
    const since = await digestStart(deps.store, occurrence.at);
    const digest = await buildHandoffDigest(deps.store.db, {
      since,
      now: occurrence.at,
      today: calendarDateOf(new Date(occurrence.at)),
    });
    const posted = await deps.notice.postText(renderHandoffNotice(digest));
    const key = new Date(occurrence.at).toISOString().replace(/[^0-9TZ]/g, '');
    for (const to of deps.emails) {
      await deps.mailer.send(
        renderHandoffEmail(digest, {
          ...deps.mail,
          to,
          key,
        }),
      );
    }
    await deps.store.db.transaction().execute((trx) =>
      appendAudit(
        trx,
        schedulerActor,
        {
          action: 'handoff.sent',
          target: [posted.destination, ...deps.emails].join(', '),
          details: {
            since: digest.since,
            until: digest.until,
            requests: digest.requests.length,
            failed: digest.needsPerson.failed.length,
            waiting: digest.needsPerson.waiting.length,
            endingSoon: digest.needsPerson.endingSoon.length,
          },
        },
        deps.clock.now(),
      ),
    );
  };
}
