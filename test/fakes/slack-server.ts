/**
 * A fake Slack for tests: the Web API methods Lifeline uses and an incoming webhook, on a real
 * HTTP server on 127.0.0.1, answering like Slack does (HTTP 200 with `{"ok": false, "error"}` for
 * API errors; text error words with 4xx for webhooks).
 *
 *   const slack = await startSlackServer();     // options: FakeSlackOptions
 *   slack.apiUrl                                // give as SLACK_API_URL (ends in /api/)
 *   slack.botToken                              // SLACK_BOT_TOKEN
 *   slack.webhookUrl                            // SLACK_WEBHOOK_URL
 *   slack.channels                              // FakeSlackChannel[]; default one channel,
 *                                               //   #support_licensing-subscription (C0LIFELINE1), bot is a member
 *   slack.messages                              // FakeSlackMessage[] posted, blocks parsed
 *   slack.requests                              // every request (see RecordedRequest)
 *   slack.failNext(429, { retryAfter: 30 })     // script failures (see FailureScript);
 *   slack.failNext(200, { body: { ok: false, error: 'invalid_auth' } })  // Slack's 200-with-error
 *   await slack.stop()
 *
 * Web API (`POST /api/<method>`, form-encoded like @slack/web-api sends, or JSON; token as
 * `Authorization: Bearer` or a `token` field): `auth.test`; `chat.postMessage` (channel by id,
 * `#name` or name; errors `not_authed`, `invalid_auth`, `channel_not_found`, `not_in_channel`,
 * `is_archived`, `no_text`, `invalid_blocks`; `metadata` kept, as a JSON string or object);
 * `conversations.info` (needs the `channels:read` scope, else `missing_scope` with `needed`);
 * `conversations.history` (channel by id only; needs `channels:history`, or `groups:history` for a
 * private channel; newest first, `oldest`/`latest` exclusive unless `inclusive`, `limit` (default
 * 100, at most 999) with `has_more` and `response_metadata.next_cursor`, `metadata` only with
 * `include_all_metadata`; errors `channel_not_found`, `not_in_channel`, `invalid_cursor`).
 * `slack.takeAndHangNext()`: the next `chat.postMessage` is posted but never answered (and
 * `takeAndHangNextWebhook()` the next webhook post), and
 * `slack.takeAndFailNext(500)` posted but answered with that status (the remote took it and
 * its answer was lost). Webhook (`POST /services/…`): `200 ok`, or 400
 * `invalid_payload` / `no_text`, 404 `no_service` for an unknown path.
 * A scripted 429 answers `{"ok":false,"error":"ratelimited"}`, like Slack.
 */
import {
  bearerToken,
  startScriptedServer,
  type FailureScript,
  type FakeReply,
  type RecordedRequest,
} from './scripted-http-server.js';

export type { FailureScript, RecordedRequest } from './scripted-http-server.js';

export interface FakeSlackChannel {
  id: string;
  /** Without `#`. */
  name: string;
  isMember: boolean;
  isPrivate?: boolean;
  isArchived?: boolean;
}

export interface FakeSlackMessage {
  /** The channel's id. */
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  via: 'api' | 'webhook';
  /** Every field as received (blocks parsed), for checks the fields above do not cover. */
  fields: Record<string, unknown>;
}

export interface FakeSlackOptions {
  /** Default `xoxb-fake-bot-token-1234`. */
  botToken?: string;
  /** Default `['chat:write', 'channels:read', 'channels:history']`. */
  scopes?: string[];
  channels?: FakeSlackChannel[];
}

export interface FakeSlack {
  url: string;
  apiUrl: string;
  webhookUrl: string;
  botToken: string;
  channels: FakeSlackChannel[];
  messages: FakeSlackMessage[];
  requests: RecordedRequest[];
  failNext(status: number, script?: FailureScript, times?: number): void;
  /** The next `times` (default 1) webhook posts are posted but never answered. */
  takeAndHangNextWebhook(times?: number): void;
  /** The next webhook post is posted but answered with `status` (its answer lost). */
  takeAndFailNextWebhook(status: number): void;
  /** The next `times` (default 1) `chat.postMessage` calls are posted but never answered. */
  takeAndHangNext(times?: number): void;
  /** The next `chat.postMessage` is posted but answered with `status` (`internal_error`). */
  takeAndFailNext(status: number): void;
  /** Answer every request `ms` later (the bench's slow remotes). */
  slowDown(ms: number): void;
  stop(): Promise<void>;
}

const WEBHOOK_PATH = '/services/T0LIFELINE/B0WEBHOOK/fakeWebhookSecret42';

export async function startSlackServer(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-fake-bot-token-1234';
  const scopes = options.scopes ?? ['chat:write', 'channels:read', 'channels:history'];
  const channels = options.channels ?? [
    { id: 'C0LIFELINE1', name: 'support_licensing-subscription', isMember: true },
  ];
  const messages: FakeSlackMessage[] = [];
  let counter = 0;
  let hangs = 0;
  let webhookHangs = 0;
  const lostWebhookAnswers: number[] = [];
  const lostAnswers: number[] = [];
  const nextTs = () => {
    counter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
  };

  const handle = (request: RecordedRequest): FakeReply | Promise<FakeReply> => {
    if (request.method !== 'POST') return { status: 405, text: 'method_not_allowed' };
    if (request.path.startsWith('/services/')) return webhook(request);
    if (!request.path.startsWith('/api/')) return { status: 404, text: 'not found' };
    const method = request.path.slice('/api/'.length);
    const fields = asFields(request.body);
    const token = bearerToken(request.headers) ?? stringField(fields.token);
    if (!token) return apiError('not_authed');
    if (token !== botToken) return apiError('invalid_auth');

    switch (method) {
      case 'auth.test':
        return apiOk({
          url: 'https://lifeline-test.slack.com/',
          team: 'Lifeline Test',
          user: 'lifeline',
          team_id: 'T0LIFELINE',
          user_id: 'U0LIFELINE',
          bot_id: 'B0LIFELINE',
        });
      case 'chat.postMessage':
        return postMessage(fields);
      case 'conversations.history':
        return history(fields);
      case 'conversations.info': {
        if (!scopes.includes('channels:read')) {
          return apiError('missing_scope', { needed: 'channels:read', provided: scopes.join(',') });
        }
        const channel = channels.find((candidate) => candidate.id === stringField(fields.channel));
        if (!channel || (channel.isPrivate && !channel.isMember))
          return apiError('channel_not_found');
        return apiOk({
          channel: {
            id: channel.id,
            name: channel.name,
            is_channel: !channel.isPrivate,
            is_private: channel.isPrivate ?? false,
            is_archived: channel.isArchived ?? false,
            is_member: channel.isMember,
          },
        });
      }
      default:
        return apiError('unknown_method');
    }
  };

  const postMessage = (fields: Record<string, unknown>): FakeReply | Promise<FakeReply> => {
    const wanted = stringField(fields.channel)?.replace(/^#/, '');
    const channel = channels.find(
      (candidate) => candidate.id === wanted || candidate.name === wanted,
    );
    if (!channel || (channel.isPrivate && !channel.isMember)) return apiError('channel_not_found');
    if (channel.isArchived) return apiError('is_archived');
    if (!channel.isMember) return apiError('not_in_channel');
    const blocks = parseBlocks(fields.blocks);
    if (blocks === 'invalid') return apiError('invalid_blocks');
    const text = stringField(fields.text);
    if (!text && !blocks) return apiError('no_text');
    const metadata = parseJsonField(fields.metadata);
    if (metadata === 'invalid') return apiError('invalid_metadata_format');
    const ts = nextTs();
    messages.push({
      channel: channel.id,
      ts,
      text,
      blocks,
      via: 'api',
      fields: { ...fields, blocks, ...(metadata !== undefined && { metadata }) },
    });
    if (hangs > 0) {
      hangs -= 1;
      return new Promise<FakeReply>(() => undefined);
    }
    const lost = lostAnswers.shift();
    if (lost !== undefined) return { status: lost, text: 'internal_error' };
    return apiOk({ channel: channel.id, ts, message: { type: 'message', text, ts, blocks } });
  };

  const history = (fields: Record<string, unknown>): FakeReply => {
    const channel = channels.find((candidate) => candidate.id === stringField(fields.channel));
    if (!channel || (channel.isPrivate && !channel.isMember)) return apiError('channel_not_found');
    const scope = channel.isPrivate ? 'groups:history' : 'channels:history';
    if (!scopes.includes(scope)) {
      return apiError('missing_scope', { needed: scope, provided: scopes.join(',') });
    }
    if (!channel.isMember) return apiError('not_in_channel');
    const inclusive = String(fields.inclusive) === 'true' || String(fields.inclusive) === '1';
    const oldest = Number(stringField(fields.oldest) ?? '0');
    const latest = Number(stringField(fields.latest) ?? String(Date.now() / 1000 + 1));
    const limit = Math.min(999, Math.max(1, Number(stringField(fields.limit) ?? '100') || 100));
    const withMetadata = String(fields.include_all_metadata) === 'true';
    const within = messages
      .filter((message) => message.channel === channel.id && message.via === 'api')
      .filter((message) => {
        const at = Number(message.ts);
        return inclusive ? at >= oldest && at <= latest : at > oldest && at < latest;
      })
      .reverse();
    const cursor = stringField(fields.cursor);
    const start = cursor === undefined ? 0 : Number(/^offset:(\d+)$/.exec(cursor)?.[1] ?? NaN);
    if (!Number.isInteger(start)) return apiError('invalid_cursor');
    const page = within.slice(start, start + limit);
    const hasMore = start + limit < within.length;
    return apiOk({
      messages: page.map((message) => ({
        type: 'message',
        user: 'U0LIFELINE',
        bot_id: 'B0LIFELINE',
        text: message.text ?? '',
        ts: message.ts,
        ...(message.blocks && { blocks: message.blocks }),
        ...(withMetadata &&
          message.fields.metadata !== undefined && {
            metadata: message.fields.metadata,
          }),
      })),
      has_more: hasMore,
      pin_count: 0,
      response_metadata: { next_cursor: hasMore ? `offset:${start + limit}` : '' },
    });
  };

  const webhook = (request: RecordedRequest): FakeReply | Promise<FakeReply> => {
    if (request.path !== WEBHOOK_PATH) return { status: 404, text: 'no_service' };
    const fields = asFields(request.body);
    if (typeof request.body !== 'object' || request.body === null) {
      return { status: 400, text: 'invalid_payload' };
    }
    const blocks = parseBlocks(fields.blocks);
    if (blocks === 'invalid') return { status: 400, text: 'invalid_blocks' };
    const text = stringField(fields.text);
    if (!text && !blocks) return { status: 400, text: 'no_text' };
    const channel = channels[0]?.id ?? 'C0WEBHOOK';
    messages.push({ channel, ts: nextTs(), text, blocks, via: 'webhook', fields });
    if (webhookHangs > 0) {
      webhookHangs -= 1;
      return new Promise<FakeReply>(() => undefined);
    }
    const lost = lostWebhookAnswers.shift();
    if (lost !== undefined) return { status: lost, text: 'internal_error' };
    return { status: 200, text: 'ok', headers: { 'Content-Type': 'text/html' } };
  };

  const server = await startScriptedServer(handle, (status) =>
    status === 429
      ? { ok: false, error: 'ratelimited' }
      : status >= 500
        ? 'internal_error'
        : 'invalid_payload',
  );
  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    webhookUrl: `${server.url}${WEBHOOK_PATH}`,
    botToken,
    channels,
    messages,
    takeAndHangNextWebhook(times = 1) {
      webhookHangs += times;
    },
    takeAndFailNextWebhook(status) {
      lostWebhookAnswers.push(status);
    },
    takeAndHangNext(times = 1) {
      hangs += times;
    },
    takeAndFailNext(status) {
      lostAnswers.push(status);
    },
  };
}

function apiOk(fields: Record<string, unknown>): FakeReply {
  return { status: 200, json: { ok: true, ...fields } };
}

function apiError(error: string, extra: Record<string, unknown> = {}): FakeReply {
  return { status: 200, json: { ok: false, error, ...extra } };
}

function asFields(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An object field (metadata) arrives as a JSON string in form posts, an object in JSON posts. */
function parseJsonField(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return 'invalid';
  }
}

/** Blocks arrive as a JSON string in form posts and as an array in JSON posts. */
function parseBlocks(value: unknown): unknown[] | undefined | 'invalid' {
  if (value === undefined) return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return 'invalid';
    }
  }
  if (!Array.isArray(parsed)) return 'invalid';
  const wellFormed = parsed.every(
    (block) =>
      block !== null &&
      typeof block === 'object' &&
      typeof (block as { type?: unknown }).type === 'string',
  );
  return wellFormed ? parsed : 'invalid';
}
