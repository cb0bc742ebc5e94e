import type { NodemailerError } from 'nodemailer';
import { RemoteFailure } from '../../ports/remote-failure.js';

/** What the classifier may mention, and the secrets it must scrub from whatever the server said. */
export interface SmtpErrorContext {
  /** `smtp://host:port`, without credentials. */
  server: string;
  user?: string;
  password?: string;
}

/** Node's codes for a certificate that does not verify: retrying cannot fix them. */
const CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const AUTH_FIX = 'check SMTP_USER and SMTP_PASSWORD (or the user and password in SMTP_URL)';

/**
 * Sorts a nodemailer failure into the pipeline's three kinds:
 * - transient: 4xx replies (and 503, which nodemailer also treats as a session-state problem
 *   that a new connection clears), refused or dropped connections, timeouts, DNS failures;
 * - permanent: 5xx replies, such as a refused recipient, with the server's reply kept;
 * - configuration: failed or missing authentication, TLS that cannot be set up.
 * The message and reply are scrubbed of the password, and the raw nodemailer error is not kept
 * as the cause (it can carry the connection URL), only its codes.
 */
export function classifySmtpError(error: unknown, context: SmtpErrorContext): RemoteFailure {
  if (error instanceof RemoteFailure) return error;
  const failure = (error ?? {}) as Partial<NodemailerError>;
  const scrub = (text: string) => scrubSecrets(text, context);
  const reply = failure.response ? scrub(failure.response.trim()).slice(0, 1000) : undefined;
  const code = failure.code;
  const responseCode = failure.responseCode;
  const cause = {
    code,
    responseCode,
    command: failure.command,
    originalCode: failure.originalCode,
    timeoutType: failure.timeoutType,
  };
  const make = (
    kind: RemoteFailure['kind'],
    deliveryCode: string,
    message: string,
  ): RemoteFailure =>
    new RemoteFailure(kind, scrub(message), {
      code: deliveryCode,
      ...(reply !== undefined ? { remoteReply: reply } : {}),
      cause,
    });
  const said = reply ? `: ${reply}` : '';

  const temporary = responseCode !== undefined && responseCode >= 400 && responseCode < 500;
  // 454 at AUTH is "temporary authentication failure" (RFC 4954): the credentials may be fine.
  const authFailed =
    code === 'EAUTH' || code === 'ENOAUTH' || responseCode === 535 || responseCode === 534;
  if (authFailed && !temporary) {
    return make(
      'configuration',
      'SMTP_AUTH_FAILED',
      `${context.server} refused to authenticate${context.user ? ` user ${context.user}` : ''}${said}; ${AUTH_FIX}`,
    );
  }
  if (responseCode === 530) {
    return make(
      'configuration',
      'SMTP_AUTH_REQUIRED',
      `${context.server} requires authentication${said}; set SMTP_USER and SMTP_PASSWORD`,
    );
  }
  if (code === 'ETLS' || code === 'EREQUIRETLS') {
    return make(
      'configuration',
      'SMTP_TLS_FAILED',
      `${context.server} could not set up TLS${said}; use smtps:// if the server speaks TLS directly, or set SMTP_REQUIRE_TLS=false only for a relay on a trusted network`,
    );
  }
  if (failure.originalCode && CERTIFICATE_CODES.has(failure.originalCode)) {
    return make(
      'configuration',
      'SMTP_TLS_CERTIFICATE',
      `The TLS certificate of ${context.server} does not verify (${failure.originalCode}): ${failure.message ?? ''}; check the host name in SMTP_URL and the server's certificate`,
    );
  }
  // Every message goes out from the same sender: a sender refused for good is our setting.
  if (
    code === 'EENVELOPE' &&
    failure.command?.startsWith('MAIL') &&
    responseCode !== undefined &&
    responseCode >= 500 &&
    responseCode !== 503
  ) {
    return make(
      'configuration',
      'SMTP_SENDER_REFUSED',
      `${context.server} refused the sender${said}; check that LIFELINE_MAIL_FROM is an address this server may send from`,
    );
  }
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) {
    const permanent = responseCode >= 500 && responseCode !== 503;
    const refusedRecipient = code === 'EENVELOPE' && failure.command?.startsWith('RCPT') === true;
    const what = refusedRecipient
      ? 'refused the recipient'
      : code === 'EAUTH'
        ? 'refused to authenticate'
        : code === 'EENVELOPE'
          ? 'refused the sender'
          : 'refused the message';
    return make(
      permanent ? 'permanent' : 'transient',
      permanent
        ? refusedRecipient
          ? 'SMTP_RECIPIENT_REFUSED'
          : 'SMTP_REJECTED'
        : 'SMTP_TEMPORARY_FAILURE',
      `${context.server} ${what}${permanent ? '' : ' for now'}${said}`,
    );
  }
  const detail = scrub(failure.message ?? String(error));
  const network = failure.originalCode ?? code ?? 'error';
  if (code === 'EDNS') {
    return make(
      'transient',
      'SMTP_HOST_NOT_FOUND',
      `Could not resolve the host of ${context.server} (${network}); check SMTP_URL`,
    );
  }
  if (code === 'ETIMEDOUT') {
    return make(
      'transient',
      'SMTP_TIMEOUT',
      `${context.server} did not answer in time (${failure.timeoutType ?? 'timeout'}): ${detail}`,
    );
  }
  if (code === 'ESOCKET' || code === 'ECONNECTION' || isNodeNetworkCode(code)) {
    return make(
      'transient',
      'SMTP_CONNECTION_FAILED',
      `Could not talk to ${context.server} (${network}): ${detail}`,
    );
  }
  // Anything else (a protocol hiccup, a pool limit): try again later rather than lose the mail.
  return make('transient', 'SMTP_FAILED', `Sending through ${context.server} failed: ${detail}`);
}

function isNodeNetworkCode(code: string | undefined): boolean {
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'EAI_AGAIN'
  );
}

/**
 * Removes the password in every form it could take on the wire or in a URL: as typed,
 * URL-encoded, base64 alone (AUTH LOGIN) and base64 inside `\0user\0password` (AUTH PLAIN).
 */
export function scrubSecrets(
  text: string,
  context: Pick<SmtpErrorContext, 'user' | 'password'>,
): string {
  const password = context.password;
  if (!password) return text;
  const forms = new Set([
    password,
    encodeURIComponent(password),
    Buffer.from(password).toString('base64'),
    Buffer.from(`\u0000${context.user ?? ''}\u0000${password}`).toString('base64'),
  ]);
  let scrubbed = text;
  for (const form of forms) {
    if (form.length > 0) scrubbed = scrubbed.split(form).join('***');
  }
  return scrubbed;
}
