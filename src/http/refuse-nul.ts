import type { FastifyRequest } from 'fastify';
import { hasLoneSurrogate } from '../well-formed-text.js';
import { ApiError } from './api-error.js';

/**
 * How deep a query, path or body may nest. The deepest body of this API is four levels (a
 * batch's rows' evidence); a body nested thousands deep, which JSON.parse takes, would otherwise
 * be walked here and by the validators, and end in a stack overflow answered 500.
 */
const MAX_DEPTH = 32;

/**
 * Refuses what is not text before the route runs, naming where it was:
 * - a NUL character: PostgreSQL refuses it in text and SQLite stores it, so the same call would
 *   answer differently on the two databases;
 * - a lone UTF-16 surrogate (JSON's `\ud800` with no partner): it has no UTF-8 form, so each
 *   database stores something other than what was sent, and an audit entry hashed over the
 *   text sent would no longer match what was stored;
 * - nesting deeper than any call of this API has.
 */
export function refuseNulCharacters(request: FastifyRequest): Promise<void> {
  for (const [where, value] of [
    ['query', request.query],
    ['path', request.params],
    ['body', request.body],
  ] as const) {
    const found = notText(value, where);
    if (found) {
      throw new ApiError('VALIDATION_FAILED', `${found.field} ${found.sentence}`, [
        { field: found.field, message: found.problem },
      ]);
    }
  }
  return Promise.resolve();
}

interface NotText {
  field: string;
  problem: string;
  /** What is wrong and what to do, after the field's name. */
  sentence: string;
}

/** Walked with a list rather than by recursion, so no depth overflows the stack. */
function notText(root: unknown, rootPath: string): NotText | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [
    { value: root, path: rootPath, depth: 0 },
  ];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      const problem = textProblem(value, path);
      if (problem) return problem;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      return {
        field: path,
        problem: `is nested more than ${MAX_DEPTH} levels deep`,
        sentence: `is nested more than ${MAX_DEPTH} levels deep, and no field of this API is: send the fields the API reference (/docs) lists.`,
      };
    }
    for (const [key, inner] of Object.entries(value)) {
      const problem = textProblem(key, path);
      if (problem) return problem;
      pending.push({ value: inner, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

function textProblem(text: string, field: string): NotText | undefined {
  if (text.includes('\u0000'))
    return {
      field,
      problem: 'contains a NUL character',
      sentence: 'contains a NUL character (\\u0000), which is not text: remove it.',
    };
  if (hasLoneSurrogate(text))
    return {
      field,
      problem: 'contains a lone UTF-16 surrogate',
      sentence:
        'contains half of a UTF-16 surrogate pair (such as \\ud800 with nothing after it), which is not text: send the whole character, or remove it.',
    };
  return undefined;
}
