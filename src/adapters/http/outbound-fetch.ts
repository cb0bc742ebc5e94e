/**
 * The one way Lifeline's adapters call an HTTP API: a timeout on every call, no redirects
 * followed (a redirect would replay our credentials to another address, and usually means the
 * URL setting is wrong), replies checked against a zod schema, and every failure turned into a
 * `RemoteFailure` that names the vendor, what we were doing and the setting to fix.
 *
 * No retries here on purpose: the pipeline's job queue retries with backoff and honours
 * `retryAfterMs`, so a retry loop in this layer would only multiply the load on a struggling API.
 */
import type { z } from 'zod';
import { RemoteFailure } from '../../ports/remote-failure.js';
import {
  classifyHttpFailure,
  classifyNetworkFailure,
  describeReply,
  type FailedCall,
  type HttpReply,
} from './classify-http-failure.js';
import type { RemoteService } from './remote-service.js';

/** 15 s, like Keygen's webhook worker: long enough for a slow API, short enough to free the worker. */
export const DEFAULT_TIMEOUT_MS = 15_000;

export interface OutboundRequest extends FailedCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** Sent as a JSON body with `Content-Type: application/json`. */
  json?: unknown;
  /** Default DEFAULT_TIMEOUT_MS; covers the whole exchange, body included. */
  timeoutMs?: number;
  /**
   * A vendor's own reading of a failure (Slack's webhook answers 404 `no_service`), tried before
   * the generic classification. Return undefined to fall back to it.
   */
  interpret?: (reply: HttpReply) => RemoteFailure | undefined;
}

/** A successful (2xx) reply, its body read as text. */
export interface OutboundReply {
  status: number;
  headers: Headers;
  body: string;
}

/** Performs the call; resolves with a 2xx reply, throws `RemoteFailure` for anything else. */
export async function outboundFetch(
  request: OutboundRequest,
  service: RemoteService,
): Promise<OutboundReply> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(request.json);
  }
  let status: number;
  let replyHeaders: Headers;
  let text: string;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    replyHeaders = response.headers;
    text = await response.text();
  } catch (error) {
    throw classifyNetworkFailure(error, service, { ...request, timeoutMs });
  }
  if (status >= 200 && status < 300) return { status, headers: replyHeaders, body: text };
  const reply: HttpReply = { status, headers: replyHeaders, body: text };
  throw request.interpret?.(reply) ?? classifyHttpFailure(reply, service, request);
}

/** `outboundFetch`, then the body parsed as JSON and checked against `schema`. */
export async function fetchJson<Schema extends z.ZodType>(
  request: OutboundRequest,
  service: RemoteService,
  schema: Schema,
): Promise<z.output<Schema>> {
  const reply = await outboundFetch(request, service);
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body);
  } catch {
    throw unexpectedReply(reply, service, request, 'not JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const where = result.error.issues[0]?.path.join('.') || 'the reply';
    throw unexpectedReply(reply, service, request, `unexpected shape at ${where}`);
  }
  return result.data;
}

/**
 * A 2xx reply that is not the API's: most often a login page or a proxy answering on the
 * configured address, so the fix is the URL setting.
 */
function unexpectedReply(
  reply: OutboundReply,
  service: RemoteService,
  request: OutboundRequest,
  why: string,
): RemoteFailure {
  return new RemoteFailure(
    'configuration',
    `${service.name} answered ${request.action} with something that is not its API's reply (${why}): check ${service.urlSetting}`,
    {
      code: `${service.codePrefix}_UNEXPECTED_REPLY`,
      remoteReply: describeReply(reply.status, reply.body, service.secrets),
    },
  );
}
