import { z } from 'zod';
import { refusalCodes, type RefusalCode } from '../refusal.js';

const detail = z.object({ field: z.string(), message: z.string() });

/** The one error body, `{error: {code, message, details?}}`, for the codes one status carries. */
export function errorBodySchema(codes: readonly RefusalCode[]) {
  return z
    .object({
      error: z.object({
        code: z.enum(codes as [RefusalCode, ...RefusalCode[]]),
        message: z.string().describe('A sentence a person can act on.'),
        details: z.array(detail).optional().describe('Each field that needs fixing.'),
      }),
    })
    .describe(codes.map((code) => `\`${code}\`: ${refusalCodes[code].meaning}`).join('\n\n'));
}

/** What any authenticated `/api/v1` call may be answered with, whatever the route. */
export const refusedCall = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'INTERNAL',
  'STORAGE_UNAVAILABLE',
  'NOT_READY',
] as const satisfies readonly RefusalCode[];

/** And a call that may carry a body and changes something (POST, PATCH, DELETE). */
export const refusedWrite = [
  ...refusedCall,
  'INVALID_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'CSRF_FAILED',
] as const satisfies readonly RefusalCode[];

/**
 * A route's whole `response` schema: its own answers, and the error body for each status its
 * refusals carry (grouped by the registry's status), so `/docs` lists every status and code.
 * The refusals' statuses are left out of the type: handlers send only their own answers, the
 * error boundary sends the rest.
 */
export function answers<Own extends Record<number, z.ZodType>>(
  own: Own,
  refusals: readonly RefusalCode[],
): Own {
  const byStatus = new Map<number, RefusalCode[]>();
  for (const code of new Set(refusals)) {
    const { status } = refusalCodes[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const all: Record<number, z.ZodType> = { ...own };
  for (const [status, codes] of byStatus) all[status] = errorBodySchema(codes);
  return all as Own;
}

/** An answer with no body (204). */
export const noContent = z.void().describe('Done; no body.');

/** Every code with its status and meaning, as Markdown, for the OpenAPI description at /docs. */
export function refusalCodesMarkdown(): string {
  const rows = Object.entries(refusalCodes).map(
    ([code, { status, meaning }]) => `| \`${code}\` | ${status} | ${meaning} |`,
  );
  return ['| code | status | meaning |', '|---|---|---|', ...rows].join('\n');
}
