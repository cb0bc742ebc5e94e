/**
 * The common part of the GitLab, Slack and Zendesk fakes: a real `node:http` server on
 * 127.0.0.1 and an OS-chosen port, a log of every request, and scripted failures.
 *
 * - `requests`: every request received, in order, body parsed (JSON or form-encoded).
 * - `failNext(status, { retryAfter, body, path }, times)`: the next `times` requests (default 1),
 *   or only those whose path contains `path`, get `status` with `body` (an object is sent as
 *   JSON; default: the vendor's usual body for that status) and a `Retry-After` header when
 *   `retryAfter` is given (seconds or an HTTP date). Scripted failures are logged too.
 * - `stop()`: closes the server and any open connections.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** The path without the query, e.g. `/api/v4/projects/7/issues`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body text. */
  text: string;
  /** The body parsed: JSON, or form fields (`application/x-www-form-urlencoded`) as an object. */
  body: unknown;
  /** The status a scripted failure answered with, when one did. */
  scriptedStatus?: number;
}

export interface FailureScript {
  /** Sent as `Retry-After`: delay-seconds or an HTTP date. */
  retryAfter?: number | string;
  /** The reply body: an object is sent as JSON, a string as text. */
  body?: unknown;
  /** Only requests whose path contains this are failed. */
  path?: string;
}

export interface FakeReply {
  status: number;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as text/plain when `json` is absent. */
  text?: string;
  headers?: Record<string, string>;
}

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  failNext(status: number, script?: FailureScript, times?: number): void;
  /** Answer every request `ms` later, like a remote system far away or under load. */
  slowDown(ms: number): void;
  stop(): Promise<void>;
}

interface PendingFailure extends FailureScript {
  status: number;
}

export async function startScriptedServer(
  handle: (request: RecordedRequest) => FakeReply | Promise<FakeReply>,
  defaultFailureBody: (status: number) => unknown,
): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const failures: PendingFailure[] = [];
  let delayMs = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const target = new URL(req.url ?? '/', 'http://fake.invalid');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: target.pathname,
        query: target.searchParams,
        headers: req.headers,
        text,
        body: parseBody(text, req.headers['content-type']),
      };
      requests.push(recorded);

      const index = failures.findIndex(
        (failure) => failure.path === undefined || recorded.path.includes(failure.path),
      );
      const reply: Promise<FakeReply> =
        index >= 0
          ? Promise.resolve(scripted(failures.splice(index, 1)[0]!, defaultFailureBody))
          : Promise.resolve().then(() => handle(recorded));
      reply
        .then((answer) =>
          delayMs > 0
            ? new Promise<FakeReply>((resolve) => setTimeout(() => resolve(answer), delayMs))
            : answer,
        )
        .then((answer) => {
          if (index >= 0) recorded.scriptedStatus = answer.status;
          send(res, answer);
        })
        .catch((error: unknown) => {
          send(res, { status: 500, text: `fake server error: ${String(error)}` });
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(status, script = {}, times = 1) {
      for (let i = 0; i < times; i += 1) failures.push({ status, ...script });
    },
    slowDown(ms) {
      delayMs = ms;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** `Authorization: Bearer <token>`'s token, or undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

function scripted(failure: PendingFailure, defaultBody: (status: number) => unknown): FakeReply {
  const body = failure.body === undefined ? defaultBody(failure.status) : failure.body;
  const headers: Record<string, string> = {};
  if (failure.retryAfter !== undefined) headers['Retry-After'] = String(failure.retryAfter);
  return typeof body === 'string'
    ? { status: failure.status, text: body, headers }
    : { status: failure.status, json: body, headers };
}

function send(res: ServerResponse, reply: FakeReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (reply.json !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    payload = JSON.stringify(reply.json);
  } else if (reply.text !== undefined) {
    headers['Content-Type'] ??= 'text/plain; charset=utf-8';
    payload = reply.text;
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
