import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { Refusal } from '../refusal.js';
import { storageFailureCode, storageFailureSentence } from '../store/storage-failure.js';
import { errorBody, type ApiErrorCode, type ApiErrorDetail } from './api-error.js';

/** How long a client waits before writing again when the disk is full. */
const storageRetryAfterSeconds = 30;

const fastifyCodes: Record<string, { code: ApiErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'The body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'INVALID_JSON',
    message: 'The body is empty; send a JSON object.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the body as application/json.',
  },
  FST_ERR_BAD_URL: {
    code: 'VALIDATION_FAILED',
    message: 'The address is not a valid URL: a % must start an escape such as %20.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'VALIDATION_FAILED',
    message: 'The Content-Length does not match the body.',
  },
};

/**
 * The one place errors become answers. Refusals keep their code and words; validation
 * errors list each field; anything unexpected is logged in full and answered with a generic
 * message, so no stack trace or secret ever reaches a client.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const send = (status: number, code: ApiErrorCode, message: string, details?: ApiErrorDetail[]) =>
    reply.status(status).send(errorBody(code, message, details));

  // Every refusal, the core's and the HTTP layer's, carries its code; its status comes from the
  // one registry (src/refusal.ts).
  if (error instanceof Refusal) return send(error.status, error.code, error.message, error.details);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const details = error.validation.map((issue) => ({
      field: [where, ...issuePath(issue.instancePath)].join('.'),
      message: issue.message ?? 'is not valid',
    }));
    return send(
      400,
      'VALIDATION_FAILED',
      `${placeWords[where] ?? `The ${where}`} needs fixing: ${details.map((d) => `${d.field} ${lowerFirst(d.message)}`).join('; ')}.`,
      details,
    );
  }
  const known = error.code ? fastifyCodes[error.code] : undefined;
  if (known) return send(error.statusCode ?? 400, known.code, known.message);
  if (error.statusCode === 429) return send(429, 'RATE_LIMITED', error.message);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return send(error.statusCode, 'VALIDATION_FAILED', error.message);
  }
  const storage = storageFailureCode(error);
  if (storage) {
    // A full or failing disk: an outage that ends when space is freed, not a fault of the call.
    // Nothing of this call was recorded (its transaction rolled back); reads still work.
    request.log.error({ err: error }, 'storage failure: a write was refused');
    void reply.header('retry-after', storageRetryAfterSeconds);
    return send(
      503,
      'STORAGE_UNAVAILABLE',
      `${storageFailureSentence(storage)} Nothing of this call was recorded: try again in a minute. Finding and reading requests still works.`,
    );
  }
  if (isDatabaseBusy(error)) {
    // Every connection is taken (a burst larger than the pool) or SQLite is locked: a moment
    // later the same call succeeds, so say so rather than report a fault.
    request.log.warn({ err: error }, 'database busy');
    void reply.header('retry-after', 1);
    return send(503, 'NOT_READY', 'The service is busy right now; try again in a second.');
  }
  if (isValueTheDatabaseRefuses(error)) {
    // The schemas bound what they let through; this is the net under them (a NUL byte, a number
    // out of a column's range): the caller's value, not our fault.
    request.log.warn({ err: error }, 'the database refused a value');
    return send(
      400,
      'VALIDATION_FAILED',
      'A value in this call cannot be stored (out of range, or a character such as NUL that is not text): check the numbers and text you sent.',
    );
  }
  request.log.error({ err: error }, 'unexpected error');
  return send(
    500,
    'INTERNAL',
    `Something went wrong on our side (request ${request.id}); it has been logged.`,
  );
}

/** Where a call went wrong, in the words of the person who made it. */
const placeWords: Record<string, string> = {
  body: 'The request body',
  params: 'The address (a value in the path)',
  querystring: 'The query string',
  headers: 'A header',
};

const lowerFirst = (text: string) =>
  text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');

function issuePath(instancePath: string): string[] {
  return instancePath.split('/').filter((part) => part !== '');
}

/** PostgreSQL's class 22 (data exception: out of range, invalid text, NUL); SQLite's TOOBIG. */
function isValueTheDatabaseRefuses(error: FastifyError): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) ||
    code === 'SQLITE_TOOBIG' ||
    code === 'SQLITE_MISMATCH'
  );
}

function isDatabaseBusy(error: FastifyError): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    // SQLite's busy family: BUSY, BUSY_SNAPSHOT, BUSY_RECOVERY, BUSY_TIMEOUT, LOCKED…
    (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) ||
    code === '53300' /* PostgreSQL: too many connections */ ||
    code === '57P03' /* PostgreSQL: cannot connect now */ ||
    /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(
      error.message,
    )
  );
}
