import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';
import { ConfigError } from '../../config-error.js';
import { isLoopback, parseSettings, unsetIfBlank } from '../http/service-settings.js';

/** The sender when no SMTP server is configured and mail goes to the outbox. */
export const DEFAULT_OUTBOX_MAIL_FROM = 'Lifeline <lifeline@localhost>';

function optionalText() {
  return z.preprocess(unsetIfBlank, z.string().optional());
}

function optionalFlag(name: string) {
  return z.preprocess(
    unsetIfBlank,
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((value) => ['true', 'false', '1', '0', 'yes', 'no'].includes(value), {
        error: `${name} must be true or false`,
      })
      .transform((value) => value === 'true' || value === '1' || value === 'yes')
      .optional(),
  );
}

function optionalMilliseconds(name: string) {
  return z.preprocess(
    unsetIfBlank,
    z.coerce
      .number({ error: `${name} must be a number of milliseconds` })
      .int({ error: `${name} must be a whole number of milliseconds` })
      .positive({ error: `${name} must be more than 0` })
      .optional(),
  );
}

function optionalAddress(name: string) {
  return z.preprocess(
    unsetIfBlank,
    z
      .string()
      .refine((value) => isSingleAddress(value), {
        error: `${name} must be one email address, e.g. "Lifeline <lifeline@example.com>"`,
      })
      .optional(),
  );
}

/**
 * The mail settings, as environment variables. A plain object schema (no cross-field rules)
 * so that it can be merged into the global configuration schema with `.extend(….shape)`;
 * `parseSmtpSettings` adds the rules that tie fields together.
 */
export const smtpEnvSchema = z.object({
  /** `smtp://` (STARTTLS, port 587 by default) or `smtps://` (TLS, port 465); may hold `user:password@`. */
  SMTP_URL: z.preprocess(
    unsetIfBlank,
    z
      .string()
      .trim()
      .refine((value) => parseServerUrl(value) !== undefined, {
        // Never echo the value: it may hold the password.
        error:
          'SMTP_URL must be smtp:// or smtps:// followed by a host, e.g. smtp://mail.example.com:587',
      })
      .optional(),
  ),
  /** Override the user and password of SMTP_URL; easier than URL-encoding a password. */
  SMTP_USER: optionalText(),
  SMTP_PASSWORD: optionalText(),
  /** Required when SMTP_URL is set; the outbox uses `Lifeline <lifeline@localhost>`. */
  LIFELINE_MAIL_FROM: optionalAddress('LIFELINE_MAIL_FROM'),
  LIFELINE_MAIL_REPLY_TO: optionalAddress('LIFELINE_MAIL_REPLY_TO'),
  /** Refuse to send without STARTTLS on smtp://. Default: true, false for a loopback host. */
  SMTP_REQUIRE_TLS: optionalFlag('SMTP_REQUIRE_TLS'),
  /** Keep connections open between messages. Default: true. */
  SMTP_POOL: optionalFlag('SMTP_POOL'),
  /** DKIM signing: all three or none. */
  DKIM_DOMAIN: optionalText(),
  DKIM_SELECTOR: optionalText(),
  DKIM_PRIVATE_KEY_FILE: optionalText(),
  /** Default 10 s. */
  SMTP_CONNECTION_TIMEOUT_MS: optionalMilliseconds('SMTP_CONNECTION_TIMEOUT_MS'),
  /** Default 10 s. */
  SMTP_GREETING_TIMEOUT_MS: optionalMilliseconds('SMTP_GREETING_TIMEOUT_MS'),
  /** Idle time on an open connection before it is dropped. Default 30 s. */
  SMTP_SOCKET_TIMEOUT_MS: optionalMilliseconds('SMTP_SOCKET_TIMEOUT_MS'),
  /** The whole send, however the server trickles its answers. */
  SMTP_SEND_TIMEOUT_MS: optionalMilliseconds('SMTP_SEND_TIMEOUT_MS'),
});

export type SmtpEnv = z.infer<typeof smtpEnvSchema>;

/** What the SMTP mailer needs, with every default applied. */
export interface SmtpSettings {
  /** The server without credentials, safe to show: `smtp://mail.example.com:587`. */
  server: string;
  host: string;
  port: number;
  /** `smtps://`: TLS from the first byte. */
  secure: boolean;
  user?: string;
  /** Secret: never logged, never in an error message. */
  password?: string;
  from: string;
  replyTo?: string;
  /** STARTTLS or fail (smtp:// only). */
  requireTls: boolean;
  pool: boolean;
  dkim?: { domain: string; selector: string; privateKeyFile: string };
  timeouts: { connectionMs: number; greetingMs: number; socketMs: number; sendMs: number };
}

/** Settings errors of mail: the one ConfigError, with this part's name. */
const mailProblems = (problems: string[]) => new ConfigError(problems, 'mail settings');

const DKIM_VARIABLES = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_FILE'] as const;

/**
 * The SMTP settings from the environment, or undefined when SMTP_URL is not set (mail then
 * goes to the outbox). Throws ConfigError listing every problem, each naming its
 * variable and never quoting a password.
 */
export function parseSmtpSettings(
  env: Record<string, string | undefined>,
): SmtpSettings | undefined {
  return toSmtpSettings(parseSettings('mail', smtpEnvSchema, env));
}

/** The cross-field rules and defaults, for a configuration that already parsed `smtpEnvSchema`. */
export function toSmtpSettings(env: SmtpEnv): SmtpSettings | undefined {
  const issues: string[] = [];
  const dkimSet = DKIM_VARIABLES.filter((name) => env[name] !== undefined);
  if (env.SMTP_URL === undefined) {
    const orphans = ['SMTP_USER', 'SMTP_PASSWORD', ...dkimSet].filter(
      (name) => env[name as keyof SmtpEnv] !== undefined,
    );
    if (orphans.length > 0) {
      throw mailProblems([
        `${orphans.join(', ')} ${orphans.length === 1 ? 'is' : 'are'} set but SMTP_URL is not: set SMTP_URL to send mail through an SMTP server`,
      ]);
    }
    return undefined;
  }

  const url = parseServerUrl(env.SMTP_URL);
  if (!url) throw mailProblems(['SMTP_URL must be smtp:// or smtps:// followed by a host']);
  const user = env.SMTP_USER ?? url.user;
  const password = env.SMTP_PASSWORD ?? url.password;
  if (user !== undefined && password === undefined) {
    issues.push('SMTP_PASSWORD is required when a user is given (SMTP_USER or in SMTP_URL)');
  }
  if (password !== undefined && user === undefined) {
    issues.push('SMTP_USER is required when a password is given (SMTP_PASSWORD or in SMTP_URL)');
  }
  if (env.LIFELINE_MAIL_FROM === undefined) {
    issues.push(
      'LIFELINE_MAIL_FROM is required when SMTP_URL is set, e.g. "Support <support@example.com>"',
    );
  }
  if (dkimSet.length > 0 && dkimSet.length < DKIM_VARIABLES.length) {
    const missing = DKIM_VARIABLES.filter((name) => env[name] === undefined);
    issues.push(
      `DKIM signing needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE together: ${missing.join(', ')} missing`,
    );
  }
  if (issues.length > 0) throw mailProblems(issues);

  return {
    server: `${url.secure ? 'smtps' : 'smtp'}://${url.host}:${url.port}`,
    host: url.host,
    port: url.port,
    secure: url.secure,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    from: env.LIFELINE_MAIL_FROM as string,
    ...(env.LIFELINE_MAIL_REPLY_TO !== undefined ? { replyTo: env.LIFELINE_MAIL_REPLY_TO } : {}),
    requireTls: !url.secure && (env.SMTP_REQUIRE_TLS ?? !isLoopback(url.host)),
    pool: env.SMTP_POOL ?? true,
    ...(env.DKIM_DOMAIN && env.DKIM_SELECTOR && env.DKIM_PRIVATE_KEY_FILE
      ? {
          dkim: {
            domain: env.DKIM_DOMAIN,
            selector: env.DKIM_SELECTOR,
            privateKeyFile: env.DKIM_PRIVATE_KEY_FILE,
          },
        }
      : {}),
    timeouts: {
      connectionMs: env.SMTP_CONNECTION_TIMEOUT_MS ?? 10_000,
      greetingMs: env.SMTP_GREETING_TIMEOUT_MS ?? 10_000,
      socketMs: env.SMTP_SOCKET_TIMEOUT_MS ?? 30_000,
      sendMs: env.SMTP_SEND_TIMEOUT_MS ?? 60_000,
    },
  };
}

interface ServerUrl {
  secure: boolean;
  host: string;
  port: number;
  user?: string;
  password?: string;
}

function parseServerUrl(text: string): ServerUrl | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    return undefined;
  }
  const secure = url.protocol === 'smtps:';
  const user = url.username ? safeDecode(url.username) : undefined;
  const password = url.password ? safeDecode(url.password) : undefined;
  return {
    secure,
    // `[::1]` in a URL, `::1` for a socket.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function isSingleAddress(text: string): boolean {
  const addresses = addressparser(text, { flatten: true });
  return addresses.length === 1 && /^[^@\s]+@[^@\s]+$/.test(addresses[0]?.address ?? '');
}
