/**
 * A notice posted again by a channel that cannot look for its first attempt. An incoming
 * webhook answers a bare `ok` (no message id) and cannot read the channel back, and Slack
 * documents no idempotency key for it: after an attempt whose answer was lost, posting again is
 * the only way not to lose the notice, and it may show twice. So the second one says it may
 * repeat the one tried at that time, for a reader to see they are the same — in the reader's
 * own time zone (Slack's date formatting), with UTC for clients that cannot format it.
 */
import type { SlackBlock, SlackMessage } from './slack-message.js';
import { utcMinute } from '../../utc-time.js';

/** Block Kit takes at most 50 blocks in a message. */
const MAX_BLOCKS = 50;

export function markAsPossibleRepeat(message: SlackMessage, triedAt: number): SlackMessage {
  const utc = utcMinute(triedAt);
  const seconds = Math.floor(triedAt / 1000);
  const when = `<!date^${seconds}^{date_short_pretty} at {time}|${utc}>`;
  const mark: SlackBlock = {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `:repeat: Posted again: an attempt at about ${when} ended without Slack's answer and may have been posted. If the same notice is above, this one repeats it.`,
      },
    ],
  };
  const [first, ...rest] = message.blocks;
  const blocks = first?.type === 'header' ? [first, mark, ...rest] : [mark, ...message.blocks];
  return {
    text: `(May repeat the notice tried at ${utc}.) ${message.text}`,
    blocks: blocks.slice(0, MAX_BLOCKS),
  };
}
