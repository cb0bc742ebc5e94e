import type { Transport } from '../shared/api.js';

/**
 * The console's transport: same-origin `fetch` with the session cookie, and the session's CSRF
 * token on anything but a read. `onSignedOut` runs when the service no longer knows the session.
 */
export function consoleTransport(session: {
  csrfToken?: string;
  onSignedOut: () => void;
}): Transport {
  return async ({ method, path, body, headers }) => {
    const response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(method !== 'GET' && session.csrfToken && { 'x-csrf-token': session.csrfToken }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: left as text for the error message.
    }
    if (response.status === 401 && path !== '/api/v1/session') session.onSignedOut();
    return { status: response.status, body: parsed };
  };
}
