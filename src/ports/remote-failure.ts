/**
 * How an outside system refused or failed a delivery, sorted by what the pipeline does next:
 * - `transient`: try again later (connection refused, timeouts, 4xx SMTP replies, HTTP 429/5xx);
 *   `retryAfterMs` carries the server's own `Retry-After` when it gave one.
 * - `permanent`: trying again cannot help (a refused recipient, a 5xx SMTP reply, a 4xx API answer).
 * - `configuration`: our settings are wrong (bad token, unknown project/channel); the message names
 *   the setting to fix. Not retried until someone changes the configuration and retries.
 *
 * Messages must never contain secrets (tokens, passwords, keys): they are shown in the console,
 * in tracker issues and in logs.
 */
export type RemoteFailureKind = 'transient' | 'permanent' | 'configuration';

export interface RemoteFailureOptions {
  /** A stable machine code, e.g. `SMTP_RECIPIENT_REFUSED`, `GITLAB_UNAUTHORIZED`, `SLACK_RATE_LIMITED`. */
  code: string;
  retryAfterMs?: number;
  /** The remote system's own reply, trimmed (SMTP response line, HTTP status and error body). */
  remoteReply?: string;
  cause?: unknown;
}

export class RemoteFailure extends Error {
  override readonly name = 'RemoteFailure';
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  readonly remoteReply: string | undefined;

  constructor(
    readonly kind: RemoteFailureKind,
    message: string,
    options: RemoteFailureOptions,
  ) {
    super(message, { cause: options.cause });
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
    this.remoteReply = options.remoteReply;
  }

  get retryable(): boolean {
    return this.kind === 'transient';
  }
}

/** One line of `lifeline doctor`: what was checked, whether it works, and what to fix. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to change when `ok` is false, naming the setting. */
  fix?: string;
}
