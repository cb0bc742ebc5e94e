import { Refusal, type RefusalCode, type RefusalDetail } from '../refusal.js';

/** The registry lives in src/refusal.ts; these names stay for the HTTP side's callers. */
export { refusalCodes as apiErrorCodes } from '../refusal.js';
export type ApiErrorCode = RefusalCode;
export type ApiErrorDetail = RefusalDetail;

/** A refusal raised by the HTTP layer itself (authentication, a missing resource, a bad value). */
export class ApiError extends Refusal {
  override name = 'ApiError';
}

/** The one error body: `{ "error": { "code", "message", "details"? } }`. */
export function errorBody(code: ApiErrorCode, message: string, details?: ApiErrorDetail[]) {
  return { error: { code, message, ...(details && details.length > 0 && { details }) } };
}
