/**
 * The licensing team's notice posted through a Slack incoming webhook: one JSON POST, answered
 * `200 ok`, or a 4xx whose body is Slack's error word (`invalid_payload`, `no_service`, …).
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling_errors
 *
 * The webhook URL is itself the credential: it is scrubbed from every message.
 */
import type { RequestOutcome } from '../../ports/outcome.js';
import type { ReadinessCheck } from '../../ports/remote-failure.js';
import { parseRetryAfter } from '../http/classify-http-failure.js';
import { outboundFetch } from '../http/outbound-fetch.js';
import type { RemoteService } from '../http/remote-service.js';
import type { NoticeChannel, NoticeRetry, NoticeText } from '../../ports/notice-channel.js';
import { markAsPossibleRepeat } from './repeat-mark.js';
import { slackWebhookError } from './slack-errors.js';
import { renderSlackNotice, textBlocks } from './slack-message.js';
import type { SlackSettings } from './slack-settings.js';

export class SlackWebhookNotice implements NoticeChannel {
  readonly name = 'slack' as const;
  private readonly service: RemoteService;

  constructor(
    private readonly settings: Extract<SlackSettings, { kind: 'webhook' }>,
    private readonly options: { timeoutMs?: number } = {},
  ) {
    const url = new URL(settings.webhookUrl);
    this.service = {
      name: 'Slack',
      codePrefix: 'SLACK',
      urlSetting: 'SLACK_WEBHOOK_URL',
      credentialSetting: 'SLACK_WEBHOOK_URL',
      unauthorizedHint: 'create a new incoming webhook and update SLACK_WEBHOOK_URL',
      forbiddenHint: 'create a new incoming webhook and update SLACK_WEBHOOK_URL',
      secrets: [settings.webhookUrl, `${url.pathname}${url.search}`],
    };
  }

  /**
   * A retry cannot look for its first attempt here (see repeat-mark.ts): it posts again, saying
   * it may repeat the attempt whose answer was lost.
   */
  async post(
    outcome: RequestOutcome,
    retry?: NoticeRetry,
  ): Promise<{ ref?: string; destination: string }> {
    const rendered = renderSlackNotice(outcome);
    const message = retry
      ? markAsPossibleRepeat(rendered, retry.lastTriedAt ?? retry.since)
      : rendered;
    await this.send(
      { text: message.text, blocks: message.blocks },
      'posting the notice through the incoming webhook',
    );
    // Webhooks answer a bare "ok": there is no message id to keep.
    return { destination: "Slack (incoming webhook's channel)" };
  }

  /** A retry cannot look back here either: it is posted saying it may repeat the first attempt. */
  async postText(
    message: NoticeText,
    retry?: NoticeRetry,
  ): Promise<{ ref?: string; destination: string }> {
    const rendered = { text: message.summary, blocks: textBlocks(message.text) };
    await this.send(
      retry ? markAsPossibleRepeat(rendered, retry.lastTriedAt ?? retry.since) : rendered,
      'posting a message through the incoming webhook',
    );
    return { destination: "Slack (incoming webhook's channel)" };
  }

  private async send(body: { text: string; blocks: unknown }, action: string): Promise<void> {
    await outboundFetch(
      {
        method: 'POST',
        url: new URL(this.settings.webhookUrl),
        json: { ...body, unfurl_links: false },
        action,
        timeoutMs: this.options.timeoutMs,
        interpret: (reply) =>
          slackWebhookError(reply.status, reply.body, {
            action,
            channel: "the webhook's channel",
            retryAfterMs: parseRetryAfter(reply.headers.get('retry-after')),
          }),
      },
      this.service,
    );
  }

  check(): Promise<ReadinessCheck[]> {
    return Promise.resolve([
      {
        name: 'Slack webhook',
        ok: true,
        detail:
          'SLACK_WEBHOOK_URL is set; an incoming webhook cannot be tested without posting a message (use SLACK_BOT_TOKEN for a real check)',
      },
    ]);
  }
}
