/**
 * Settings of the Slack notice. Either a bot token (`chat.postMessage`, which returns the
 * message's `ts` and can be checked with `auth.test`) or an incoming webhook URL (simpler to set
 * up, bound to one channel, cannot be checked without posting). Neither: notices stay in the
 * request timeline.
 */
import { z } from 'zod';
import {
  checkServiceUrl,
  envText,
  parseSettings,
  type SettingsEnv,
} from '../http/service-settings.js';

export const DEFAULT_SLACK_CHANNEL = '#support_licensing-subscription';
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export type SlackSettings =
  | {
      kind: 'bot';
      /** A bot token (`xoxb-…`) with the `chat:write` scope. */
      token: string;
      /** A channel id (`C…`, checkable by `lifeline doctor`) or `#name`. */
      channel: string;
      /** The Web API's base URL, ending in `/`; tests point it at the fake. */
      apiUrl: string;
    }
  | {
      kind: 'webhook';
      /** The incoming webhook's URL: itself a secret, never shown. */
      webhookUrl: string;
      /** A webhook posts to the channel it was created for; present so `settings.channel` reads on both kinds. */
      channel?: undefined;
    };

/** The variables alone, with no cross-field rules: mergeable into a wider schema via `.shape`. */
export const slackEnvSchema = z.object({
  /** Bot token with chat:write (and channels:read to let `doctor` check the channel). */
  SLACK_BOT_TOKEN: envText,
  /** Default #support_licensing-subscription. */
  SLACK_CHANNEL: envText,
  /** Default https://slack.com/api/. */
  SLACK_API_URL: envText,
  /** An incoming webhook URL, instead of a bot token. */
  SLACK_WEBHOOK_URL: envText,
});

export const slackSettingsSchema = slackEnvSchema
  .superRefine((env, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.SLACK_BOT_TOKEN && env.SLACK_WEBHOOK_URL) {
      problem(
        'SLACK_WEBHOOK_URL',
        'SLACK_BOT_TOKEN and SLACK_WEBHOOK_URL are both set: keep one (the bot token is preferred: doctor can check it and posts can be traced)',
      );
    }
    if (!env.SLACK_BOT_TOKEN && !env.SLACK_WEBHOOK_URL) {
      for (const name of ['SLACK_CHANNEL', 'SLACK_API_URL'] as const) {
        if (env[name]) {
          problem(
            name,
            `${name} is set but SLACK_BOT_TOKEN is missing (the Slack notice needs a bot token)`,
          );
        }
      }
    }
    if (env.SLACK_WEBHOOK_URL) {
      if (env.SLACK_CHANNEL && !env.SLACK_BOT_TOKEN) {
        problem(
          'SLACK_CHANNEL',
          'SLACK_CHANNEL has no effect with SLACK_WEBHOOK_URL (an incoming webhook posts to the channel it was created for): remove it, or use SLACK_BOT_TOKEN',
        );
      }
      const checked = checkServiceUrl('SLACK_WEBHOOK_URL', env.SLACK_WEBHOOK_URL, {
        example: 'https://hooks.slack.com/services/T…/B…/…',
        // The URL is the credential: never echo it.
        quote: false,
      });
      if ('problem' in checked) problem('SLACK_WEBHOOK_URL', checked.problem);
    }
    if (env.SLACK_BOT_TOKEN && !env.SLACK_BOT_TOKEN.startsWith('xox')) {
      problem(
        'SLACK_BOT_TOKEN',
        'SLACK_BOT_TOKEN does not look like a Slack token (a bot token starts with xoxb-)',
      );
    }
    if (env.SLACK_API_URL) {
      const checked = checkServiceUrl('SLACK_API_URL', env.SLACK_API_URL, {
        example: DEFAULT_SLACK_API_URL,
      });
      if ('problem' in checked) problem('SLACK_API_URL', checked.problem);
    }
  })
  .transform((env): SlackSettings | undefined => {
    if (env.SLACK_BOT_TOKEN) {
      const apiUrl = env.SLACK_API_URL ?? DEFAULT_SLACK_API_URL;
      return {
        kind: 'bot',
        token: env.SLACK_BOT_TOKEN,
        channel: env.SLACK_CHANNEL ?? DEFAULT_SLACK_CHANNEL,
        // The Web API client appends the method name directly.
        apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
      };
    }
    if (env.SLACK_WEBHOOK_URL) return { kind: 'webhook', webhookUrl: env.SLACK_WEBHOOK_URL };
    return undefined;
  });

/**
 * The Slack settings from the environment, or undefined when Slack is not configured. Throws
 * ConfigError naming each problem; never quotes the token or the webhook URL.
 */
export function parseSlackSettings(env: SettingsEnv): SlackSettings | undefined {
  return parseSettings('Slack', slackSettingsSchema, env);
}
