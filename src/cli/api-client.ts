import { fail } from './output.js';

/**
 * A small client of Lifeline's own API for the CLI: LIFELINE_URL and LIFELINE_TOKEN. Errors
 * come back as the API's own sentence.
 */
export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export function apiSettings(): { url: string; token: string } {
  const url = (process.env.LIFELINE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const token = process.env.LIFELINE_TOKEN;
  if (!token)
    fail(
      'set LIFELINE_TOKEN to an API token (create one with: lifeline tokens create --name NAME)',
    );
  return { url, token };
}

export async function callApi<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer<T>> {
  const { url, token } = apiSettings();
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    fail(
      `cannot reach Lifeline at ${url} (${error instanceof Error ? error.message : String(error)}); is it running? (LIFELINE_URL)`,
    );
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (a license file download): keep the text
  }
  return { status: response.status, body: parsed as T };
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
