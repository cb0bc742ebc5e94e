import type { RequestOutcome } from './outcome.js';
import type { ReadinessCheck } from './remote-failure.js';

/**
 * The licensing team's channel (`#support_licensing-subscription`). Throws `RemoteFailure`.
 * `ref` identifies the posted message (a Slack `ts`), when the channel has one.
 */
export interface NoticeChannel {
  readonly name: 'timeline' | 'slack';
  post(
    outcome: RequestOutcome,
    retry?: NoticeRetry,
  ): Promise<{ ref?: string; destination: string }>;
  /**
   * Posts a message of our own (the hand-off, the audit head, a batch's summary), already safe
   * for Slack mrkdwn. With a `key` and a `retry`, a channel that can read back looks for the
   * message of that key posted since, as `post` does for a notice.
   */
  postText(
    message: NoticeText,
    retry?: NoticeRetry,
  ): Promise<{ ref?: string; destination: string }>;
  check(): Promise<ReadinessCheck[]>;
}

/**
 * Given on a retry: an earlier attempt may have been taken by the channel whose answer was lost
 * (a hang, a deadline), so a channel that can read back what it posted looks for the notice
 * posted since `since` (ms since the epoch, our clock) before posting it again.
 */
export interface NoticeRetry {
  since: number;
  /**
   * When the latest attempt that may have been taken ended (ms, our clock): a channel that
   * cannot look says the notice may repeat the one tried then.
   */
  lastTriedAt?: number;
}

/** A message that is not a request's outcome; `text` is Slack mrkdwn, escaped by its author. */
export interface NoticeText {
  /** What notifications and clients without blocks show: one line. */
  summary: string;
  text: string;
  /**
   * What makes this message itself (`batch:<id>`), kept with it where the channel can (Slack
   * message metadata), so a retry finds it instead of posting it twice.
   */
  key?: string;
}
