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
    },
    destination,
  );
}
