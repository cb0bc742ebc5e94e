import type { RequestOutcome } from '../../ports/outcome.js';
import type { ReadinessCheck } from '../../ports/remote-failure.js';
import type { NoticeChannel, NoticeText } from '../../ports/notice-channel.js';

/**
 * The notice channel when Slack is not configured: nothing leaves Lifeline; the pipeline records
 * the notice in the request's timeline, which is where people look for it.
 */
export class TimelineNotice implements NoticeChannel {
  readonly name = 'timeline' as const;

  post(_outcome: RequestOutcome): Promise<{ ref?: string; destination: string }> {
    return Promise.resolve({ destination: 'timeline only (Slack not configured)' });
  }

  /** Nowhere to post: the caller's own record (the audit entry, the job) is all there is. */
  postText(_message: NoticeText): Promise<{ ref?: string; destination: string }> {
    return Promise.resolve({ destination: 'nowhere (Slack not configured)' });
  }

  check(): Promise<ReadinessCheck[]> {
    return Promise.resolve([
      {
        name: 'Slack notice',
        ok: true,
        detail:
          'not configured (notices are recorded in the request timeline only); set SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL to post them',
      },
    ]);
  }
}

export function timelineNotice(): NoticeChannel {
  return new TimelineNotice();
}
