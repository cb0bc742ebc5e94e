/**
 * Every code a refusal or failure is answered with, its HTTP status, and what it means: the one
 * registry the error boundary maps through and `/docs` lists. Codes are stable (clients and the
 * console key on them): never reuse a code for another meaning. It is data, not HTTP: the core
 * throws refusals that carry their code, and only the boundary turns them into answers.
 */
export const refusalCodes = {
  VALIDATION_FAILED: {
    status: 400,
    meaning: 'The body, query or path is malformed; details name each field.',
  },
  INVALID_JSON: { status: 400, meaning: 'The body is not valid JSON.' },
  INVALID_CURSOR: { status: 400, meaning: 'The pagination cursor was not issued by this service.' },
  UNAUTHENTICATED: { status: 401, meaning: 'No valid token, app signature or session.' },
  FORBIDDEN: { status: 403, meaning: 'Authenticated, but the role does not allow this.' },
  CSRF_FAILED: { status: 403, meaning: 'A console form was sent without its CSRF token.' },
  NOT_FOUND: { status: 404, meaning: 'No such request, license or route.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    meaning: 'The Idempotency-Key was used for a different body.',
  },
  CONFLICT: {
    status: 409,
    meaning: 'The name is taken, ambiguous, or the change was already made.',
  },
  NOTHING_TO_RETRY: { status: 409, meaning: 'The request has no failed step.' },
  NOT_AWAITING_APPROVAL: {
    status: 409,
    meaning: 'The request is not waiting for approval (never held, or already settled).',
  },
  NO_LICENSE_TO_RESEND: {
    status: 409,
    meaning: 'The request has no license (rejected, or not generated yet).',
  },
  RENEWAL_REFUSED: {
    status: 422,
    meaning:
      'The license file is not a renewal of this request: a trial, another customer’s, or it starts after the temporary license ends.',
  },
  EXTENSION_REFUSED: {
    status: 422,
    meaning:
      'The extension asks for something outside the policy (a user count beyond its ceiling).',
  },
  BATCH_HAS_INVALID_ROWS: {
    status: 422,
    meaning:
      'Rows of the batch file are invalid (details name each row and column): fix them, or run it with skipInvalid to issue the others.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The body is larger than the service accepts.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'Send JSON (application/json).' },
  RATE_LIMITED: { status: 429, meaning: 'Too many calls; wait for Retry-After seconds.' },
  INTERNAL: { status: 500, meaning: 'A fault on our side; it is logged with the request id.' },
  STORAGE_UNAVAILABLE: {
    status: 503,
    meaning:
      'The database cannot write (disk full or failing): nothing was recorded; reads still work; retry after Retry-After seconds.',
  },
  NOT_READY: {
    status: 503,
    meaning: 'The database is unreachable or busy; retry after Retry-After seconds.',
  },
} as const;

export type RefusalCode = keyof typeof refusalCodes;

export interface RefusalDetail {
  field: string;
  message: string;
}

/**
 * What a person asked for cannot be done, with a sentence saying what to do instead. Each kind
 * of refusal (a subclass in the module that refuses) names its code once; its status follows
 * from the registry, so the boundary needs no list of kinds.
 */
export class Refusal extends Error {
  override name = 'Refusal';
  readonly status: number;
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly details?: RefusalDetail[],
  ) {
    super(message);
    this.status = refusalCodes[code].status;
  }
}
