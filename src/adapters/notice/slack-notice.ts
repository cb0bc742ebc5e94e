/**
 * The licensing team's notice posted by a Slack bot through `chat.postMessage`.
 *
 * The Web API client is tamed so that failures reach our job queue instead of waiting inside
 * the client: no retries of its own (`retryConfig: { retries: 0 }`; its default waits up to
 * ~30 min), a 429 rejected at once with its `Retry-After` (`rejectRateLimitedCalls`), a
 * timeout, no absolute URLs, and a silent logger (its default logs to the console).
 * The package is loaded on first use (`slack-web-api.ts`), so a service without Slack never
 * loads it.
 *
 * `chat.postMessage` has no idempotency key, so a retry first looks for its own notice in the
 * channel's recent history (`posted-notice.ts`) and does not post it twice when a hang or a
 * deadline lost the first answer.
 */
import type { Logger, WebClient } from '@slack/web-api';
import type { Logger as ServiceLogger } from 'pino';
import type { RequestOutcome } from '../../ports/outcome.js';
import { RemoteFailure, type ReadinessCheck } from '../../ports/remote-failure.js';
import { classifyHttpFailure, classifyNetworkFailure } from '../http/classify-http-failure.js';
import { DEFAULT_TIMEOUT_MS } from '../http/outbound-fetch.js';
import type { RemoteService } from '../http/remote-service.js';
import { scrubSecrets } from '../http/scrub-secrets.js';
import type { NoticeChannel, NoticeRetry, NoticeText } from '../../ports/notice-channel.js';
import { findPostedNotice, findPostedText, noticeMetadata, textMetadata } from './posted-notice.js';
import { textBlocks } from './slack-message.js';
import { slackApiError } from './slack-errors.js';
import { renderSlackNotice } from './slack-message.js';
import type { SlackSettings } from './slack-settings.js';
import { SlackWebhookNotice } from './slack-webhook-notice.js';
import { slackWebApi } from './slack-web-api.js';

/** Ids of public (`C…`) and private (`G…`) channels; anything else is treated as a name. */
const CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;

const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => slackWebApi().LogLevel.ERROR,
  setName: () => undefined,
};

export interface SlackNoticeOptions {
  /** Per-call timeout in ms (default 15 s); tests shorten it. */
  timeoutMs?: number;
  /** Told once per reason when a retry cannot read the channel's history. */
  logger?: Pick<ServiceLogger, 'warn'>;
}

/** The Slack notice for the configured kind: a bot (`SlackBotNotice`) or an incoming webhook. */
export function createSlackNotice(
  settings: SlackSettings,
  options: SlackNoticeOptions = {},
): NoticeChannel {
  return settings.kind === 'bot'
    ? new SlackBotNotice(settings, options)
    : new SlackWebhookNotice(settings, options);
}

export class SlackBotNotice implements NoticeChannel {
  readonly name = 'slack' as const;
  private readonly client: WebClient;
  private readonly service: RemoteService;
  private readonly timeoutMs: number;
  private readonly logger: Pick<ServiceLogger, 'warn'> | undefined;
  private readonly historyWarnings = new Set<string>();

  constructor(
    private readonly settings: Extract<SlackSettings, { kind: 'bot' }>,
    options: SlackNoticeOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.logger = options.logger;
    this.client = new (slackWebApi().WebClient)(settings.token, {
      slackApiUrl: settings.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: this.timeoutMs,
      allowAbsoluteUrls: false,
      logger: silentLogger,
    });
    this.service = {
      name: 'Slack',
      codePrefix: 'SLACK',
      urlSetting: 'SLACK_API_URL',
      credentialSetting: 'SLACK_BOT_TOKEN',
      unauthorizedHint: 'check the bot token is current and the app is still installed',
      forbiddenHint: 'check the app may post to SLACK_CHANNEL',
      secrets: [settings.token],
    };
  }

  async post(
    outcome: RequestOutcome,
    retry?: NoticeRetry,
  ): Promise<{ ref?: string; destination: string }> {
    if (retry) {
      const found = await this.lookForNotice(outcome, retry);
      if (found)
        return { ref: found, destination: `Slack ${this.settings.channel} (posted before)` };
    }
    const message = renderSlackNotice(outcome);
    const action = `posting the notice to ${this.settings.channel}`;
    try {
      const result = await this.client.chat.postMessage({
        channel: this.settings.channel,
        text: message.text,
        blocks: message.blocks,
        metadata: noticeMetadata(outcome),
        // Zendesk links need a login: a preview would only show the sign-in page.
        unfurl_links: false,
        unfurl_media: false,
      });
      const resolved =
        result.channel && result.channel !== this.settings.channel ? ` (${result.channel})` : '';
      return { ref: result.ts, destination: `Slack ${this.settings.channel}${resolved}` };
    } catch (error) {
      throw this.classify(error, action);
    }
  }

  /**
   * The `ts` of this notice when an earlier attempt posted it. A history Slack refuses (no
   * `channels:history` scope, a channel given by name) is warned about once and the notice is
   * posted: a possible second copy is better than no notice. A hang or an outage is thrown,
   * like the post's own, so the job tries again later.
   */
  private lookForNotice(outcome: RequestOutcome, retry: NoticeRetry): Promise<string | undefined> {
    return this.lookBack('notice', (channel) =>
      findPostedNotice(this.client, channel, outcome, retry.since),
    );
  }

  /** The same look for a message of our own (a notice, or a keyed message such as a batch's). */
  private async lookBack(
    what: 'notice' | 'message',
    find: (channel: string) => Promise<string | undefined>,
  ): Promise<string | undefined> {
    const channel = this.settings.channel;
    if (!CHANNEL_ID.test(channel)) {
      this.warnOnce(
        'channel-name',
        `SLACK_CHANNEL is a name (${channel}); set it to the channel's id (C…) so a retried ${what} can look for its first attempt in the channel's history`,
      );
      return undefined;
    }
    try {
      return await find(channel);
    } catch (error) {
      if (
        error instanceof slackWebApi().WebAPIPlatformError &&
        error.data.error !== 'ratelimited'
      ) {
        const needed = neededScope(error.data);
        this.warnOnce(
          error.data.error,
          `Slack refused reading ${channel}'s history (${error.data.error}${needed ? `, needs ${needed}` : ''}): a retried ${what} is posted without looking for its first attempt, which may show it twice; ${historyAdvice}`,
        );
        return undefined;
      }
      throw this.classify(error, `looking for the ${what} in ${channel}`);
    }
  }

  private warnOnce(reason: string, message: string): void {
    if (this.historyWarnings.has(reason)) return;
    this.historyWarnings.add(reason);
    this.logger?.warn({ channel: this.settings.channel, reason }, message);
  }

  async postText(
    message: NoticeText,
    retry?: NoticeRetry,
  ): Promise<{ ref?: string; destination: string }> {
    const { key } = message;
    if (retry && key !== undefined) {
      const found = await this.lookBack('message', (channel) =>
        findPostedText(this.client, channel, key, retry.since),
      );
      if (found)
        return { ref: found, destination: `Slack ${this.settings.channel} (posted before)` };
    }
    const action = `posting a message to ${this.settings.channel}`;
    try {
      const result = await this.client.chat.postMessage({
        channel: this.settings.channel,
        text: message.summary,
        blocks: textBlocks(message.text),
        ...(key !== undefined && { metadata: textMetadata(key) }),
        unfurl_links: false,
        unfurl_media: false,
      });
      return { ref: result.ts, destination: `Slack ${this.settings.channel}` };
    } catch (error) {
      throw this.classify(error, action);
    }
  }

  async check(): Promise<ReadinessCheck[]> {
    const rows: ReadinessCheck[] = [];
    try {
      const auth = await this.client.auth.test();
      rows.push({
        name: 'Slack token',
        ok: true,
        detail: `SLACK_BOT_TOKEN works: @${auth.user ?? auth.user_id ?? '?'} in ${auth.team ?? auth.team_id ?? '?'}`,
      });
    } catch (error) {
      const failure = this.classify(error, 'checking the token');
      rows.push({ name: 'Slack token', ok: false, detail: failure.message, fix: fixFor(failure) });
      return rows;
    }
    const channel = await this.checkChannel();
    rows.push(channel);
    const history = channel.ok ? await this.checkHistory() : undefined;
    if (history) rows.push(history);
    return rows;
  }

  /** Whether a retried notice can look for its first attempt (advice only: posting still works). */
  private async checkHistory(): Promise<ReadinessCheck | undefined> {
    const channel = this.settings.channel;
    if (!CHANNEL_ID.test(channel)) {
      return {
        name: 'Slack history',
        ok: true,
        detail: `not available for a channel name: a notice whose answer was lost may be posted twice; set SLACK_CHANNEL to the channel's id (C…) and ${historyAdvice}`,
      };
    }
    try {
      await this.client.conversations.history({ channel, limit: 1 });
      return {
        name: 'Slack history',
        ok: true,
        detail: `a retried notice looks for its first attempt in ${channel} before posting again`,
      };
    } catch (error) {
      if (error instanceof slackWebApi().WebAPIPlatformError) {
        const needed = neededScope(error.data);
        return {
          name: 'Slack history',
          ok: true,
          detail: `not available (${error.data.error}${needed ? `, needs ${needed}` : ''}): a notice whose answer was lost may be posted twice; ${historyAdvice}`,
        };
      }
      const failure = this.classify(error, `reading ${channel}'s history`);
      return { name: 'Slack history', ok: false, detail: failure.message, fix: fixFor(failure) };
    }
  }

  private async checkChannel(): Promise<ReadinessCheck> {
    const channel = this.settings.channel;
    if (!CHANNEL_ID.test(channel)) {
      return {
        name: 'Slack channel',
        ok: true,
        detail: `not verified: SLACK_CHANNEL is a name (${channel}), which Slack resolves only when posting; set it to the channel's id (C…, in the channel's details) to let doctor check that the bot is a member`,
      };
    }
    try {
      const info = await this.client.conversations.info({ channel });
      const found = info.channel;
      const label = `#${found?.name ?? channel} (${channel})`;
      if (found?.is_archived) {
        return {
          name: 'Slack channel',
          ok: false,
          detail: `${label} is archived`,
          fix: 'Unarchive the channel or set SLACK_CHANNEL to another one',
        };
      }
      if (found?.is_member === false) {
        return {
          name: 'Slack channel',
          ok: false,
          detail: `the bot is not a member of ${label}`,
          fix: `Invite the bot to ${label} (/invite @your-app), or set SLACK_CHANNEL to a channel it is in`,
        };
      }
      return { name: 'Slack channel', ok: true, detail: `the bot can post to ${label}` };
    } catch (error) {
      if (
        error instanceof slackWebApi().WebAPIPlatformError &&
        error.data.error === 'missing_scope'
      ) {
        return {
          name: 'Slack channel',
          ok: true,
          detail: `not verified: the token lacks ${neededScope(error.data) ?? 'channels:read'} (only needed for this check)`,
        };
      }
      const failure = this.classify(error, `checking ${channel}`);
      return { name: 'Slack channel', ok: false, detail: failure.message, fix: fixFor(failure) };
    }
  }

  /** Any error of the Web API client as a RemoteFailure. */
  private classify(error: unknown, action: string): RemoteFailure {
    const context = { action, channel: this.settings.channel };
    const { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } =
      slackWebApi();
    if (error instanceof WebAPIPlatformError) {
      const retryAfter = error.data.response_metadata?.retryAfter;
      return slackApiError(error.data.error, {
        ...context,
        needed: neededScope(error.data),
        retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000,
      });
    }
    if (error instanceof WebAPIRateLimitedError) {
      return slackApiError('ratelimited', { ...context, retryAfterMs: error.retryAfter * 1000 });
    }
    if (error instanceof WebAPIHTTPError) {
      const body: unknown = error.body;
      return classifyHttpFailure(
        {
          status: error.statusCode,
          headers: new Headers(error.headers),
          body: typeof body === 'string' ? body : JSON.stringify(body ?? ''),
        },
        this.service,
        { action },
      );
    }
    if (error instanceof WebAPIRequestError) {
      return classifyNetworkFailure(error.original, this.service, {
        action,
        timeoutMs: this.timeoutMs,
      });
    }
    const text = scrubSecrets(
      error instanceof Error ? error.message : String(error),
      this.service.secrets,
    );
    // The client's own words for a 429 without a usable Retry-After.
    if (text.startsWith('Retry header did not contain a valid timeout')) {
      return slackApiError('ratelimited', context);
    }
    return new RemoteFailure('transient', `Slack call failed while ${action}: ${text}`, {
      code: 'SLACK_UNEXPECTED',
    });
  }
}

const historyAdvice =
  'add the channels:history scope (groups:history for a private channel) to the Slack app and reinstall it';

/** `missing_scope` replies name the scope they wanted in `needed`. */
function neededScope(data: object): string | undefined {
  const needed = (data as { needed?: unknown }).needed;
  return typeof needed === 'string' ? needed : undefined;
}

function fixFor(failure: RemoteFailure): string {
  if (failure.kind === 'configuration') return failure.message;
  return 'Slack did not answer properly: check SLACK_API_URL (when set) or try again later';
}
