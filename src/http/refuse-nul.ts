import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/**
 * PostgreSQL refuses a NUL character in text and SQLite stores it, so the same call would
 * answer differently on the two databases. No field of this API means one: refuse it before
 * the route runs, naming where it was.
 */
export function refuseNulCharacters(request: FastifyRequest): Promise<void> {
  for (const [where, value] of [
    ['query', request.query],
    ['path', request.params],
    ['body', request.body],
  ] as const) {
    const field = nulField(value, where);
    if (field) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `${field} contains a NUL character (\\u0000), which is not text: remove it.`,
        [{ field, message: 'contains a NUL character' }],
      );
    }
  }
  return Promise.resolve();
}

function nulField(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = key.includes('\u0000') ? path : nulField(inner, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
