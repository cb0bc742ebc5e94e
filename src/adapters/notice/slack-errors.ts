/**
 * Slack's error strings, sorted into what the pipeline does next. The Web API answers HTTP 200
 * with `{"ok": false, "error": "…"}`; incoming webhooks answer 4xx with the same words as text.
 * https://docs.slack.dev/reference/methods/chat.postMessage#errors
 */
import { RemoteFailure } from '../../ports/remote-failure.js';
import { MAX_RETRY_AFTER_MS } from '../http/classify-http-failure.js';

/** The token is not (or no longer) accepted: fix SLACK_BOT_TOKEN. */
const TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'team_access_not_granted',
  'ekm_access_denied',
]);

/** The channel cannot take our message: fix SLACK_CHANNEL or invite the bot. */
const CHANNEL_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_non_threadable_channel',
  'restricted_action_thread_only_channel',
  'posting_to_general_channel_denied',
]);

/** Slack's own trouble, documented as worth retrying. */
const SLACK_SIDE_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
  'rollup_error',
  'team_added_to_org',
]);

/** What a webhook's 4xx words mean: the webhook URL itself is wrong, disabled or revoked. */
const WEBHOOK_GONE = new Set([
  'no_service',
  'no_service_id',
  'no_team',
  'team_disabled',
  'invalid_token',
  'channel_not_found',
  'channel_is_archived',
  'action_prohibited',
  'posting_to_general_channel_denied',
  'user_not_found',
]);

export interface SlackErrorContext {
  /** What we were doing, after "while". */
  action: string;
  /** The channel as configured, for messages. */
  channel: string;
  /** The scope Slack said is missing (`missing_scope` replies carry `needed`). */
  needed?: string;
  /** Slack's `Retry-After`, when it gave one. */
  retryAfterMs?: number;
}

/** A Web API `{ok: false, error}` reply as a RemoteFailure. */
export function slackApiError(error: string, context: SlackErrorContext): RemoteFailure {
  const remoteReply = `ok: false, error: ${error}${context.needed ? ` (needed: ${context.needed})` : ''}`;
  if (TOKEN_ERRORS.has(error)) {
    const hint =
      error === 'missing_scope'
        ? `give the Slack app the ${context.needed ?? 'chat:write'} scope and reinstall it`
        : 'check the bot token is current (xoxb-…) and the app is still installed';
    return new RemoteFailure(
      'configuration',
      `Slack refused SLACK_BOT_TOKEN (${error}) while ${context.action}: ${hint}`,
      { code: 'SLACK_UNAUTHORIZED', remoteReply },
    );
  }
  if (CHANNEL_ERRORS.has(error)) {
    const hint =
      error === 'channel_not_found' || error === 'not_in_channel'
        ? `check SLACK_CHANNEL and invite the bot to ${context.channel} (/invite @your-app)`
        : `${context.channel} does not accept the bot's posts: pick another SLACK_CHANNEL or change the channel's settings`;
    return new RemoteFailure(
      'configuration',
      `Slack cannot post to SLACK_CHANNEL ${context.channel} (${error}): ${hint}`,
      { code: 'SLACK_CHANNEL_UNAVAILABLE', remoteReply },
    );
  }
  if (SLACK_SIDE_ERRORS.has(error)) {
    return slackTransient(error, context, remoteReply);
  }
  return new RemoteFailure(
    'permanent',
    `Slack rejected the notice (${error}) while ${context.action}`,
    { code: 'SLACK_REJECTED', remoteReply },
  );
}

/** An incoming webhook's non-2xx reply (its body is one of Slack's error words) as a RemoteFailure. */
export function slackWebhookError(
  status: number,
  body: string,
  context: SlackErrorContext,
): RemoteFailure {
  const word = body.trim().slice(0, 100);
  const remoteReply = `HTTP ${status}: ${word}`;
  if (status === 429) return slackTransient('ratelimited', context, remoteReply);
  if (status >= 500 || SLACK_SIDE_ERRORS.has(word)) {
    return slackTransient(word || `HTTP ${status}`, context, remoteReply);
  }
  if (
    WEBHOOK_GONE.has(word) ||
    status === 401 ||
    status === 403 ||
    status === 404 ||
    status === 410
  ) {
    return new RemoteFailure(
      'configuration',
      `Slack refused SLACK_WEBHOOK_URL (${status} ${word}): the webhook was removed, disabled or its channel is gone; create a new incoming webhook and update SLACK_WEBHOOK_URL`,
      { code: 'SLACK_WEBHOOK_UNAVAILABLE', remoteReply },
    );
  }
  return new RemoteFailure(
    'permanent',
    `Slack rejected the notice (${status} ${word}) while ${context.action}`,
    { code: 'SLACK_REJECTED', remoteReply },
  );
}

function slackTransient(
  error: string,
  context: SlackErrorContext,
  remoteReply: string,
): RemoteFailure {
  const retryAfterMs =
    context.retryAfterMs === undefined
      ? undefined
      : Math.min(context.retryAfterMs, MAX_RETRY_AFTER_MS);
  const limited = error === 'ratelimited' || error === 'rate_limited';
  return new RemoteFailure(
    'transient',
    limited
      ? `Slack is rate limiting us while ${context.action}${retryAfterMs === undefined ? '' : `; it asked us to wait ${Math.ceil(retryAfterMs / 1000)} s`}`
      : `Slack failed (${error}) while ${context.action}; trying again later`,
    { code: limited ? 'SLACK_RATE_LIMITED' : 'SLACK_UNAVAILABLE', retryAfterMs, remoteReply },
  );
}
