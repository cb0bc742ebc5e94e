import type { Clock } from '../clock.js';
import type { NoticeChannel, NoticeText } from '../ports/notice-channel.js';
import type { ScheduledWork } from '../schedule/scheduler.js';
import type { Store } from '../store/database.js';
import { appendAudit, readAuditHead } from './audit-store.js';

/** The scheduler's own name in the audit log: no person starts scheduled work. */
export const schedulerActor = { actor: 'lifeline scheduler', role: 'service', address: 'local' };

/** The daily head as the channel shows it: what `lifeline audit verify --head` takes back. */
export function renderAuditHead(
  head: { entries: number; seq: number; hash: string },
  at: number,
): NoticeText {
  const day = new Date(at).toISOString().slice(0, 10);
  return {
    summary: `Lifeline audit log head, ${day}: entry ${head.seq}, ${head.hash}`,
    text: [
      `*Lifeline audit log head* (${day})`,
      `Entries: ${head.entries} · last entry: ${head.seq}`,
      `Hash: \`${head.hash}\``,
      `Check the database against it: \`lifeline audit verify --head ${head.seq}:${head.hash}\``,
    ].join('\n'),
  };
}

/**
 * Posts the chain's head, then records that it did (so the next day's head covers this one).
 * A crash in between posts it again on the retry: two equal copies, nothing lost.
 */
export function postAuditHeadWork(deps: {
  store: Store;
  notice: NoticeChannel;
  clock: Clock;
}): ScheduledWork {
  return async (occurrence) => {
    const head = await readAuditHead(deps.store.db);
    const posted = await deps.notice.postText(renderAuditHead(head, occurrence.at));
    await deps.store.db.transaction().execute((trx) =>
      appendAudit(
        trx,
        schedulerActor,
        {
          action: 'audit.head_posted',
          target: posted.destination,
          details: {
            entries: head.entries,
            seq: head.seq,
            hash: head.hash,
            occurrence: new Date(occurrence.at).toISOString(),
            ...(posted.ref && { ref: posted.ref }),
          },
        },
        deps.clock.now(),
      ),
    );
  };
}
