import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseRetryAfter } from '../adapters/http/classify-http-failure.js';
import { fail, say } from './output.js';
import { cli } from './io.js';

/**
 * A small client of Lifeline's own API for the CLI: LIFELINE_URL and LIFELINE_TOKEN. Errors
 * come back as the API's own sentence.
 *
 * A 429 (rate limited) or 503 (database busy or unreachable) means the service did nothing
 * with the call, so the client waits as `Retry-After` asks and calls again, a few times, rather
 * than leave an engineer at 3 a.m. to retry by hand. A submission sent twice is one request
 * anyway: the service recognises the same body on the same day without an Idempotency-Key.
 */
const BUSY_STATUSES = new Set([429, 503]);
export const MAX_CALL_ATTEMPTS = 5;
/** Longest wait between attempts, whatever `Retry-After` asks: a person is watching. */
const MAX_WAIT_MS = 30_000;

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export function apiSettings(): { url: string; token: string } {
  const url = (cli().env.LIFELINE_URL ?? 'http://127.0.0.1:8080').trim().replace(/\/$/, '');
  if (!/^https?:\/\/[^\s/]+/i.test(url) || !URL.canParse(url))
    fail(
      'LIFELINE_URL must be the service’s address with http:// or https://, such as http://127.0.0.1:8080',
    );
  // A token pasted from a terminal often brings its line break along: tokens hold none.
  const token = cli().env.LIFELINE_TOKEN?.trim();
  if (!token)
    fail(
      'set LIFELINE_TOKEN to an API token (create one with: lifeline tokens create --name NAME)',
    );
  if (!/^[\x21-\x7e]+$/.test(token))
    fail(
      'LIFELINE_TOKEN holds a space, a line break or another character no token has: paste the token alone',
    );
  return { url, token };
}

export async function callApi<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer<T>> {
  for (let attempt = 1; ; attempt++) {
    const { answer, retryAfterMs } = await callOnce<T>(method, path, body, headers);
    if (!BUSY_STATUSES.has(answer.status) || attempt === MAX_CALL_ATTEMPTS) return answer;
    const waitMs = Math.min(retryAfterMs ?? 1000 * attempt, MAX_WAIT_MS);
    say(
      `Lifeline is busy (${answer.status}); trying again in ${Math.ceil(waitMs / 1000)} s (attempt ${attempt + 1} of ${MAX_CALL_ATTEMPTS}).`,
    );
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

async function callOnce<T>(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ answer: ApiAnswer<T>; retryAfterMs: number | undefined }> {
  const { url, token } = apiSettings();
  let response: { status: number; headers: IncomingHttpHeaders; text: string };
  try {
    response = await send(
      method,
      `${url}${path}`,
      {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      body === undefined ? undefined : JSON.stringify(body),
    );
  } catch (error) {
    fail(
      `cannot reach Lifeline at ${url} (${error instanceof Error ? error.message : String(error)}); is it running? (LIFELINE_URL)`,
    );
  }
  const text = response.text;
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (a license file download): keep the text
  }
  const retryAfter = response.headers['retry-after'];
  return {
    answer: { status: response.status, body: parsed as T },
    retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : null),
  };
}

/**
 * One HTTP call with node's own client: `fetch` would load undici first, about a third of a
 * short command's start (`lifeline request show` should answer within 0.3 s).
 */
function send(
  method: string,
  address: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(address);
    const call = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      { method, headers, timeout: 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    call.on('timeout', () => call.destroy(new Error('no answer within 30 s')));
    call.on('error', reject);
    call.end(body);
  });
}

/** Ends the command with the API's error message when the status is not one of `expected`. */
export function expectStatus<T>(answer: ApiAnswer<T>, ...expected: number[]): T {
  if (expected.includes(answer.status)) return answer.body;
  const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  fail(
    error?.message
      ? `${error.message} (${error.code ?? answer.status})`
      : `unexpected answer ${answer.status}`,
  );
}
