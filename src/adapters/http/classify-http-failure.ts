import { RemoteFailure, type RemoteFailureKind } from '../../ports/remote-failure.js';
import type { RemoteService } from './remote-service.js';
import { scrubSecrets } from './scrub-secrets.js';

/**
 * Longest wait we pass on from a `Retry-After`. Slack and Zendesk usually ask for seconds to a
 * minute; a reply asking for hours is more likely a misbehaving proxy than a plan, and the job
 * queue's own backoff keeps retrying after that anyway.
 */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Longest remote error body kept in `remoteReply`. */
export const MAX_REMOTE_REPLY_CHARS = 500;

/** An HTTP answer that was not a success, as read from the wire. */
export interface HttpReply {
  status: number;
  headers: Headers;
  body: string;
}

/** What a 404 means for one call: the project or ticket we were pointed at does not exist. */
export interface NotFoundMeaning {
  kind: Exclude<RemoteFailureKind, 'transient'>;
  code: string;
  message: string;
}

/** The call that failed, so messages can say what we were doing. */
export interface FailedCall {
  /** What we were doing, after "while": `creating the tracker issue`. */
  action: string;
  /** How to read a 404 here (given the body); without it a 404 is a permanent failure. */
  notFound?: (body: string) => NotFoundMeaning;
}

/**
 * The wait a `Retry-After` header asks for, in ms, capped at MAX_RETRY_AFTER_MS. Accepts both
 * forms of RFC 9110 §10.2.3: delay-seconds and an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    // An HTTP date has a day or month name; Date.parse would also take "-5" as a year.
    if (!/[A-Za-z]/.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** `HTTP 422: <body>`, secrets scrubbed and trimmed to MAX_REMOTE_REPLY_CHARS. */
export function describeReply(status: number, body: string, secrets: readonly string[]): string {
  const clean = scrubSecrets(body.replace(/\s+/g, ' ').trim(), secrets);
  return trimTo(`HTTP ${status}${clean ? `: ${clean}` : ''}`, MAX_REMOTE_REPLY_CHARS);
}

/**
 * One readable line from a JSON error body: GitLab's `message` / `error`, Zendesk's `error` and
 * `description` and validation `details`. Falls back to the raw text.
 */
export function summarizeErrorBody(body: string): string {
  const parts: string[] = [];
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') {
      const record = parsed as Record<string, unknown>;
      for (const key of ['message', 'error', 'description', 'error_description', 'details']) {
        if (record[key] !== undefined) parts.push(flatten(record[key]));
      }
    }
  } catch {
    // Not JSON: the raw text is the reason.
  }
  const line = (parts.length > 0 ? parts.join(': ') : body).replace(/\s+/g, ' ').trim();
  return trimTo(line, 200);
}

/** Sorts a non-success HTTP reply into transient, permanent or configuration. */
export function classifyHttpFailure(
  reply: HttpReply,
  service: RemoteService,
  call: FailedCall,
  now = Date.now(),
): RemoteFailure {
  const { status } = reply;
  const remoteReply = describeReply(status, reply.body, service.secrets);
  const reason = scrubSecrets(summarizeErrorBody(reply.body), service.secrets);
  const code = (suffix: string) => `${service.codePrefix}_${suffix}`;
  const retryAfterMs = parseRetryAfter(reply.headers.get('retry-after'), now);
  const waitText =
    retryAfterMs === undefined ? '' : `; it asked us to wait ${Math.ceil(retryAfterMs / 1000)} s`;

  if (status === 429) {
    return new RemoteFailure(
      'transient',
      `${service.name} is rate limiting us (429) while ${call.action}${waitText}`,
      { code: code('RATE_LIMITED'), retryAfterMs, remoteReply },
    );
  }
  if (status >= 500 || status === 408 || status === 409 || status === 425) {
    return new RemoteFailure(
      'transient',
      `${service.name} failed (HTTP ${status}) while ${call.action}; trying again later${waitText}`,
      { code: code(status >= 500 ? 'UNAVAILABLE' : 'CONFLICT'), retryAfterMs, remoteReply },
    );
  }
  if (status === 401) {
    return new RemoteFailure(
      'configuration',
      `${service.name} refused ${service.credentialSetting} (401) while ${call.action}: ${service.unauthorizedHint}`,
      { code: code('UNAUTHORIZED'), remoteReply },
    );
  }
  if (status === 403) {
    return new RemoteFailure(
      'configuration',
      `${service.name} refused ${service.credentialSetting} (403) while ${call.action}: ${service.forbiddenHint}`,
      { code: code('FORBIDDEN'), remoteReply },
    );
  }
  if (status === 404 && call.notFound) {
    const meaning = call.notFound(reply.body);
    return new RemoteFailure(meaning.kind, meaning.message, { code: meaning.code, remoteReply });
  }
  return new RemoteFailure(
    'permanent',
    `${service.name} rejected ${call.action} (HTTP ${status})${reason ? `: ${reason}` : ''}`,
    { code: code(status === 404 ? 'NOT_FOUND' : 'REJECTED'), remoteReply },
  );
}

/**
 * Sorts a failure to get any HTTP reply: timeouts and connection errors are transient; a redirect
 * or an unusable address means the URL setting is wrong.
 */
export function classifyNetworkFailure(
  error: unknown,
  service: RemoteService,
  call: FailedCall & { timeoutMs: number },
): RemoteFailure {
  const code = (suffix: string) => `${service.codePrefix}_${suffix}`;
  if (isTimeout(error)) {
    return new RemoteFailure(
      'transient',
      `${service.name} did not answer within ${Math.round(call.timeoutMs / 1000)} s while ${call.action}`,
      { code: code('TIMEOUT') },
    );
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const detail = scrubSecrets(
    cause ? cause.message : error instanceof Error ? error.message : String(error),
    service.secrets,
  );
  if (detail === 'unexpected redirect') {
    return new RemoteFailure(
      'configuration',
      `${service.name} answered with a redirect while ${call.action}: set ${service.urlSetting} to the final https address`,
      { code: code('REDIRECTED') },
    );
  }
  if (detail === 'bad port' || (error instanceof TypeError && /Invalid URL/i.test(error.message))) {
    return new RemoteFailure(
      'configuration',
      `${service.name} cannot be reached at the configured address (${detail}): check ${service.urlSetting}`,
      { code: code('BAD_ADDRESS') },
    );
  }
  return new RemoteFailure(
    'transient',
    `${service.name} could not be reached while ${call.action} (${detail}); if this persists, check ${service.urlSetting}`,
    // The cause is kept only when it carries no request (undici's causes are plain socket errors).
    { code: code('UNREACHABLE'), cause },
  );
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'TimeoutError' ||
      (error.cause instanceof Error && error.cause.name === 'TimeoutError'))
  );
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join(', ');
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key}: ${flatten(inner)}`)
      .join('; ');
  }
  return String(value);
}

function trimTo(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
