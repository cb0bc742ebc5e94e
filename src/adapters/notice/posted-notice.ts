/**
 * A notice's mark, and finding it again. Each notice carries Slack message metadata (invisible
 * to people, returned by `conversations.history` with `include_all_metadata`) naming its request
 * and what it announces; a retry reads the channel back to that mark so that an attempt whose
 * answer was lost is not posted a second time.
 */
import type { WebClient } from '@slack/web-api';
import type { RequestOutcome } from '../../ports/outcome.js';

export const NOTICE_EVENT_TYPE = 'lifeline_notice';
export const TEXT_EVENT_TYPE = 'lifeline_message';

/** Slack's clock and ours may differ: look this much further back than the first attempt. */
const CLOCK_MARGIN_MS = 5 * 60_000;
/** A bounded look: a busy channel's notice further back than this is posted again. */
const PAGE_SIZE = 200;
const PAGES = 2;

/** What makes a notice itself: its request and its outcome (or cover event) key. */
function noticeKey(outcome: RequestOutcome): { request_id: string; notice: string } {
  return { request_id: outcome.requestId, notice: outcome.cover?.key ?? outcome.outcome };
}

export function noticeMetadata(outcome: RequestOutcome): {
  event_type: string;
  event_payload: { request_id: string; notice: string };
} {
  return { event_type: NOTICE_EVENT_TYPE, event_payload: noticeKey(outcome) };
}

/** The mark of a message of our own (a batch's summary) with its key. */
export function textMetadata(key: string): {
  event_type: string;
  event_payload: { key: string };
} {
  return { event_type: TEXT_EVENT_TYPE, event_payload: { key } };
}

/** The `ts` of the channel's message marked as this notice since `since` (ms), if any. */
export function findPostedNotice(
  client: WebClient,
  channel: string,
  outcome: RequestOutcome,
  since: number,
): Promise<string | undefined> {
  const wanted = noticeKey(outcome);
  return findMarked(
    client,
    channel,
    since,
    (type, payload) =>
      type === NOTICE_EVENT_TYPE &&
      payload?.request_id === wanted.request_id &&
      payload.notice === wanted.notice,
  );
}

/** The `ts` of the channel's message of our own with this key since `since` (ms), if any. */
export function findPostedText(
  client: WebClient,
  channel: string,
  key: string,
  since: number,
): Promise<string | undefined> {
  return findMarked(
    client,
    channel,
    since,
    (type, payload) => type === TEXT_EVENT_TYPE && payload?.key === key,
  );
}

async function findMarked(
  client: WebClient,
  channel: string,
  since: number,
  matches: (type: string | undefined, payload: Record<string, unknown> | undefined) => boolean,
): Promise<string | undefined> {
  const oldest = (Math.max(0, since - CLOCK_MARGIN_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < PAGES; page += 1) {
    const answer = await client.conversations.history({
      channel,
      oldest,
      limit: PAGE_SIZE,
      include_all_metadata: true,
      ...(cursor && { cursor }),
    });
    const found = answer.messages?.find((message) =>
      matches(message.metadata?.event_type, message.metadata?.event_payload),
    );
    if (found?.ts) return found.ts;
    cursor = answer.response_metadata?.next_cursor;
    if (!answer.has_more || !cursor) return undefined;
  }
  return undefined;
}
