import pino, { type Logger } from 'pino';

/**
 * Structured logs (JSON lines). Anything that could carry a secret is redacted by path, and the
 * adapters never put secrets in messages in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'lifeline' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          'headers.cookie',
          '*.password',
          '*.token',
          '*.secret',
          '*.privateKey',
          '*.apiToken',
          'password',
          'token',
          'secret',
        ],
        censor: '[redacted]',
      },
      serializers: { req: accessLogRequest },
    },
    destination,
  );
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * What an access log line says of a call: the path and the names of its query parameters, not
 * their values. Searches carry customers' email addresses and domains (`?email=jane@acme.example`),
 * which have no place in logs that are kept and shipped elsewhere.
 */
export function accessLogRequest(request: LoggedRequest) {
  return {
    method: request.method,
    url: withoutQueryValues(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

export function withoutQueryValues(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const names = url
    .slice(mark + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${pair.split('=')[0] ?? ''}=…`);
  return `${url.slice(0, mark)}?${names.join('&')}`;
}
