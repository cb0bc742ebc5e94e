import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { defaultEmergencyLicenseSettings, type EmergencyLicenseSettings } from './license/index.js';
import { defaultPolicySettings, type PolicySettings } from './policy/index.js';
import { parseStepConcurrency } from './jobs/step-limits.js';
import { defaultCoverSettings, parseReminderDays, type CoverSettings } from './requests/cover.js';
import { isLoopback, parseRoleMap, type OidcSettings } from './access/oidc-settings.js';
import { defineSchedule, type Schedule } from './schedule/schedule.js';
import { ConfigError } from './config-error.js';
import { timeZone } from './license/gitlab-upload/time-zones.js';
import { parseTrustedProxies } from './http/trusted-proxies.js';

/**
 * Every setting of the service, read from the environment (after `.env`, when present) and an
 * optional JSON file named by LIFELINE_CONFIG_FILE (environment wins). Validated once at start:
 * a wrong value stops the service with a sentence naming the setting.
 *
 * The settings of the outside systems (SMTP, GitLab, Slack, Zendesk) are parsed by their own
 * adapters (`src/adapters/**\/*-settings.ts`) from the same environment.
 */
const whole = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/**
 * What is wrong with a DATABASE_URL, in words that never repeat it (it may hold a password).
 * Anything not postgres:// or postgresql:// is opened as a SQLite file, so a typo (postgress://,
 * postgres:/ with one slash, a JDBC URL, user:password@host) used to start the service on a new,
 * empty file named after it, password included: no earlier requests, no tokens, no error.
 */
function databaseUrlProblem(url: string): string | undefined {
  const usage = 'must be a postgres:// or postgresql:// URL, sqlite:PATH, or a file path';
  if (/^postgres(ql)?:\/\//.test(url)) return undefined;
  const path = /^(sqlite|file):(.*)$/.exec(url)?.[2] ?? url;
  // A file path has no scheme, no user:password@ and no host.
  if (/^\/\/[^/]*@|^[^/]*@|^[a-z][a-z0-9+.\- ]*(:|%3a)/i.test(path) || path.includes('://'))
    return `${usage}: this looks like another kind of URL, or one with a user and password`;
  return undefined;
}

/** Printed into every license GitLab shows its admins: one line of text. */
const licenseeText = (name: string) =>
  z
    .string()
    .refine(
      (value) => value.trim().length > 0 && value.length <= 200 && !/[\p{Cc}]/u.test(value),
      `${name} must be a single line of text, at most 200 characters`,
    )
    .transform((value) => value.trim());

export const configSchema = z.object({
  /** Where the embedded database, the development key pair and the mail outbox live. */
  LIFELINE_DATA_DIR: z.string().default('./data'),
  LIFELINE_HOST: z.string().default('127.0.0.1'),
  LIFELINE_PORT: whole('LIFELINE_PORT', 0, 65_535).default(8080),
  /** The address people reach the console at, for links in notices, notes and tracker issues. */
  LIFELINE_PUBLIC_URL: optionalText.pipe(
    z.url({ error: 'LIFELINE_PUBLIC_URL must be a URL' }).optional(),
  ),
  /**
   * Which proxies' X-Forwarded-For to believe: `loopback` (a proxy on this machine), `off`, or
   * comma-separated addresses, CIDR ranges and the names `linklocal` / `uniquelocal`.
   */
  LIFELINE_TRUST_PROXY: z
    .string()
    .default('loopback')
    .transform((value, context) => {
      const parsed = parseTrustedProxies(value);
      if (typeof parsed === 'string') {
        context.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  /** PEM file of the vendor's RSA private key. Default: a development key pair in the data dir. */
  LIFELINE_SIGNING_KEY_FILE: optionalText,
  /**
   * The signing key's SHA-256 fingerprint (of its public key, as `doctor` and the start-up log
   * print it): any other key stops the service at start. `sha256:` and colons are allowed.
   */
  LIFELINE_SIGNING_KEY_FINGERPRINT: optionalText.pipe(
    z
      .string()
      .transform((value) =>
        value
          .toLowerCase()
          .replace(/^sha256:/, '')
          .replaceAll(':', ''),
      )
      .pipe(
        z
          .string()
          .regex(
            /^[0-9a-f]{64}$/,
            'LIFELINE_SIGNING_KEY_FINGERPRINT must be the 64 hex digits of the key fingerprint that lifeline doctor prints',
          ),
      )
      .optional(),
  ),
  /** Let the development key sign even though SMTP, GitLab, Slack or Zendesk are configured (staging). */
  LIFELINE_ALLOW_DEVELOPMENT_KEY: z
    .enum(['true', 'false'], { error: 'LIFELINE_ALLOW_DEVELOPMENT_KEY must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * Comma-separated PEM files of public keys that customers' expired licenses are read with, each
   * `name=path` (e.g. production=/etc/lifeline/license_key.pub) or a plain path (named by its file).
   */
  LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: optionalText,
  /** `postgres://…` or `sqlite:PATH`. Default: SQLite in the data dir. */
  DATABASE_URL: optionalText.transform((url, context) => {
    const problem = url === undefined ? undefined : databaseUrlProblem(url);
    if (problem) {
      context.addIssue({ code: 'custom', message: `DATABASE_URL ${problem}` });
      return z.NEVER;
    }
    return url;
  }),
  DATABASE_POOL_MAX: whole('DATABASE_POOL_MAX', 1, 1_000).default(10),
  /** PostgreSQL: run the service's fixed queries as prepared statements (off behind PgBouncer < 1.21 in transaction mode). */
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['on', 'off'], { error: 'DATABASE_PREPARED_STATEMENTS must be on or off' })
    .default('on')
    .transform((value) => value === 'on'),
  /** Apply pending migrations at start (default true); with false, refuse to start until `lifeline migrate` ran. */
  LIFELINE_AUTO_MIGRATE: z
    .enum(['true', 'false'], { error: 'LIFELINE_AUTO_MIGRATE must be true or false' })
    .default('true')
    .transform((value) => value === 'true'),
  LIFELINE_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LIFELINE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),

  LIFELINE_GRACE_PERIOD_DAYS: whole('LIFELINE_GRACE_PERIOD_DAYS', 0, 365).default(
    defaultPolicySettings.gracePeriodDays,
  ),
  LIFELINE_EMERGENCY_WINDOW_DAYS: whole('LIFELINE_EMERGENCY_WINDOW_DAYS', 0, 365).default(
    defaultPolicySettings.emergencyWindowDays,
  ),
  LIFELINE_WINDOW_COUNTS_FROM: z
    .enum(['grace_end', 'expiry'], {
      error: 'LIFELINE_WINDOW_COUNTS_FROM must be grace_end or expiry',
    })
    .default(defaultPolicySettings.windowCountsFrom),
  LIFELINE_MAX_USER_COUNT: whole('LIFELINE_MAX_USER_COUNT', 1, 2_147_483_647).default(
    defaultPolicySettings.maxUserCount,
  ),
  LIFELINE_REPEAT_PERIOD_DAYS: whole('LIFELINE_REPEAT_PERIOD_DAYS', 0, 3_650).default(
    defaultPolicySettings.repeatPeriodDays,
  ),
  LIFELINE_ESCALATION_CONTACT: z.string().default(defaultPolicySettings.escalationContact),

  /** The guardrails: past one, a request waits for an approver who is not the requester. */
  LIFELINE_APPROVAL_SEAT_FACTOR: z.coerce
    .number({ error: 'LIFELINE_APPROVAL_SEAT_FACTOR must be a number' })
    .min(1, 'LIFELINE_APPROVAL_SEAT_FACTOR must be at least 1')
    .max(1000, 'LIFELINE_APPROVAL_SEAT_FACTOR must be at most 1000')
    .default(defaultPolicySettings.approval.seatFactor),
  LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: whole(
    'LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER',
    1,
    1_000_000,
  ).default(defaultPolicySettings.approval.dailyCapPerEngineer),
  LIFELINE_APPROVAL_DAILY_CAP_DESK: whole(
    'LIFELINE_APPROVAL_DAILY_CAP_DESK',
    1,
    10_000_000,
  ).default(defaultPolicySettings.approval.dailyCapDesk),
  LIFELINE_APPROVAL_TYPED_EVIDENCE_MAX_USERS: whole(
    'LIFELINE_APPROVAL_TYPED_EVIDENCE_MAX_USERS',
    1,
    2_147_483_647,
  ).default(defaultPolicySettings.approval.typedEvidenceMaxUsers),
  LIFELINE_APPROVAL_EXPIRY_HOURS: whole('LIFELINE_APPROVAL_EXPIRY_HOURS', 1, 24 * 90).default(72),
  /** Resends of one request an engineer may ask for; more need an approver. */
  LIFELINE_RESEND_LIMIT: whole('LIFELINE_RESEND_LIMIT', 0, 1_000_000).default(3),

  LIFELINE_LICENSE_DURATION_DAYS: whole('LIFELINE_LICENSE_DURATION_DAYS', 1, 90).default(
    defaultEmergencyLicenseSettings.durationDays,
  ),
  LIFELINE_LICENSEE_NAME: licenseeText('LIFELINE_LICENSEE_NAME').default(
    defaultEmergencyLicenseSettings.licenseeName,
  ),
  LIFELINE_LICENSEE_COMPANY: licenseeText('LIFELINE_LICENSEE_COMPANY').default(
    defaultEmergencyLicenseSettings.licenseeCompany,
  ),

  /** Days before a temporary license ends that a cover still waiting for its renewal is reminded of. */
  LIFELINE_REMINDER_DAYS: z
    .string()
    .default(defaultCoverSettings.reminderDays.join(','))
    .transform((text, ctx) => {
      try {
        return parseReminderDays(text);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `LIFELINE_REMINDER_DAYS: ${error instanceof Error ? error.message : String(error)}`,
        });
        return z.NEVER;
      }
    }),
  /** The licensing team's zone: reminders and the lapse are due at LIFELINE_REMINDER_HOUR there. */
  LIFELINE_REMINDER_TIME_ZONE: z
    .string()
    .trim()
    .default(defaultCoverSettings.reminderTime.timeZone)
    .transform((name, ctx) => {
      try {
        return timeZone(name).name;
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `LIFELINE_REMINDER_TIME_ZONE: ${error instanceof Error ? error.message : String(error)}`,
        });
        return z.NEVER;
      }
    }),
  /** The hour (0–23, in LIFELINE_REMINDER_TIME_ZONE) on their day that reminders and the lapse are due. */
  LIFELINE_REMINDER_HOUR: whole('LIFELINE_REMINDER_HOUR', 0, 23).default(
    defaultCoverSettings.reminderTime.hour,
  ),
  /** `on`: reminders also email the customer that the license ends and the renewal is in hand. */
  LIFELINE_REMINDER_EMAIL_CUSTOMER: z
    .enum(['on', 'off'], { error: 'LIFELINE_REMINDER_EMAIL_CUSTOMER must be on or off' })
    .default('off')
    .transform((value) => value === 'on'),
  LIFELINE_EXTENSIONS_MAX: whole('LIFELINE_EXTENSIONS_MAX', 0, 10).default(
    defaultCoverSettings.extensionsMax,
  ),

  // 12, not 8: the steps' own slots add up to more, and with 8 a batch's emails waited for a
  // slot behind the outbox's fsync (a 3,000-row batch took 11 % longer).
  LIFELINE_WORKER_CONCURRENCY: whole('LIFELINE_WORKER_CONCURRENCY', 1, 256).default(12),
  /** Slots per kind of step, over the defaults (src/jobs/step-limits.ts): `send_email=2,post_notice=1`. */
  LIFELINE_STEP_CONCURRENCY: optionalText.transform((text, ctx) => {
    try {
      return parseStepConcurrency(text);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `LIFELINE_STEP_CONCURRENCY: ${error instanceof Error ? error.message : String(error)}`,
      });
      return z.NEVER;
    }
  }),
  LIFELINE_JOB_LEASE_MS: whole('LIFELINE_JOB_LEASE_MS', 500).default(30_000),
  LIFELINE_JOB_POLL_MS: whole('LIFELINE_JOB_POLL_MS', 10).default(1_000),
  LIFELINE_RETRY_BASE_MS: whole('LIFELINE_RETRY_BASE_MS', 1).default(1_000),
  LIFELINE_RETRY_MAX_MS: whole('LIFELINE_RETRY_MAX_MS', 1).default(600_000),
  /** How far this machine's clock may be from the database's before start and doctor say so. */
  LIFELINE_MAX_CLOCK_SKEW_MS: whole('LIFELINE_MAX_CLOCK_SKEW_MS', 0).default(30_000),

  /** The shared secret of the Zendesk sidebar app (its secure `shared_secret` setting). */
  LIFELINE_ZENDESK_APP_SECRET: optionalText.refine(
    (secret) => secret === undefined || Buffer.byteLength(secret) >= 32,
    'LIFELINE_ZENDESK_APP_SECRET must be at least 32 bytes (a random string such as `openssl rand -hex 32`): anyone who guesses it can sign in as any agent',
  ),
  /** The JWT audience the sidebar app signs for; default: the public URL, else `lifeline`. */
  LIFELINE_ZENDESK_APP_AUDIENCE: optionalText,
  /** The Zendesk subdomain URL the app's tokens must come from (`iss`), e.g. https://acme.zendesk.com. */
  LIFELINE_ZENDESK_APP_ISSUER: optionalText,

  /** API calls per minute per caller, counted in the database (shared by all processes). */
  LIFELINE_RATE_LIMIT_PER_MINUTE: whole('LIFELINE_RATE_LIMIT_PER_MINUTE', 1, 2_147_483_647).default(
    600,
  ),
  /** Console sessions last this long (hours). */
  LIFELINE_SESSION_HOURS: whole('LIFELINE_SESSION_HOURS', 1, 24 * 30).default(12),
  /** Send the session cookie only over HTTPS (default: when LIFELINE_PUBLIC_URL is https). */
  LIFELINE_SECURE_COOKIES: optionalText,

  /** Console single sign-on (OpenID Connect): the identity provider's issuer URL. */
  LIFELINE_OIDC_ISSUER: optionalText.pipe(
    z
      .url({
        error: 'LIFELINE_OIDC_ISSUER must be a URL (the issuer, e.g. https://login.example.com)',
      })
      .optional(),
  ),
  LIFELINE_OIDC_CLIENT_ID: optionalText,
  /** Absent: a public client (PKCE only). Never logged. */
  LIFELINE_OIDC_CLIENT_SECRET: optionalText,
  /** Default: LIFELINE_PUBLIC_URL + /auth/oidc/callback. */
  LIFELINE_OIDC_REDIRECT_URL: optionalText.pipe(
    z.url({ error: 'LIFELINE_OIDC_REDIRECT_URL must be a URL' }).optional(),
  ),
  LIFELINE_OIDC_SCOPES: z.string().trim().min(1).default('openid profile email'),
  LIFELINE_OIDC_ROLE_CLAIM: z.string().trim().min(1).default('groups'),
  /** `lifeline-engineers=engineer,licensing=approver,lifeline-admins=admin` (first match wins). */
  LIFELINE_OIDC_ROLE_MAP: optionalText,
  /** `off`: no password sign-in; the console offers single sign-on only. */
  LIFELINE_LOCAL_ACCOUNTS: z
    .enum(['on', 'off'], { error: 'LIFELINE_LOCAL_ACCOUNTS must be on or off' })
    .default('on'),
  /** When the audit chain's head is posted to the licensing channel (cron, UTC); `off` stops it. */
  LIFELINE_AUDIT_HEAD_SCHEDULE: z.string().trim().default('0 6 * * *'),
  /** When the hand-off digest goes out (cron in LIFELINE_HANDOFF_TIME_ZONE); `off` stops it. */
  LIFELINE_HANDOFF_SCHEDULE: z.string().trim().default('0 8 * * 1'),
  LIFELINE_HANDOFF_TIME_ZONE: z.string().trim().default('UTC'),
  /** Who gets the hand-off by email, comma separated (none: the channel only). */
  LIFELINE_HANDOFF_EMAILS: optionalText.transform((text, ctx) => {
    const addresses = (text ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const wrong = addresses.filter((a) => !/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/.test(a));
    if (wrong.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `LIFELINE_HANDOFF_EMAILS must be email addresses separated by commas; not one: ${wrong.join(', ')}`,
      });
      return z.NEVER;
    }
    return addresses;
  }),

  /** Fault injection for the crash tests: kill the process at this named point. Never set in production. */
  LIFELINE_CRASH_AT: optionalText,
});

export type ConfigValues = z.output<typeof configSchema>;

export interface Config {
  values: ConfigValues;
  dataDir: string;
  databaseUrl: string;
  policy: PolicySettings;
  license: EmergencyLicenseSettings;
  cover: CoverSettings;
  /** The console's single sign-on, when configured. */
  oidc?: OidcSettings;
  /** Whether local accounts may sign in with a password (LIFELINE_LOCAL_ACCOUNTS). */
  localAccounts: boolean;
  /** The recurring work that is switched on (a schedule set to `off` is absent). */
  schedules: { auditHead?: Schedule; handoff?: Schedule };
  /** The environment the adapters read their own settings from. */
  env: Readonly<Record<string, string | undefined>>;
}

export { ConfigError };

/**
 * The one way every command reads its configuration (the service, the worker and each CLI
 * command alike, so `lifeline license create` signs what the service would): `.env` in the
 * working directory when there is one, LIFELINE_CONFIG_FILE, and the environment, which wins.
 * The `.env` values join `env` (as `process.loadEnvFile` does), so a command's own variables
 * such as LIFELINE_URL come from the same place.
 */
export function readConfiguration(
  env: Record<string, string | undefined> = process.env,
  dotEnvFile = '.env',
): Config {
  addDotEnv(env, dotEnvFile);
  return loadConfig(env);
}

/** Adds the variables of a `.env` file that `env` does not already set; no file, no change. */
export function addDotEnv(env: Record<string, string | undefined>, file = '.env'): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return;
    throw new ConfigError([
      `${file} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined && value !== undefined) env[name] = value;
  }
}

/** Reads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Config {
  const merged = { ...readConfigFile(env.LIFELINE_CONFIG_FILE), ...definedOnly(env) };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.message.includes(String(issue.path[0] ?? ''))
        ? issue.message
        : `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(problems);
  }
  const values = result.data;
  const dataDir = resolve(values.LIFELINE_DATA_DIR);
  const oidc = oidcSettings(values);
  const schedules = readSchedules(values);
  return {
    schedules,
    values,
    dataDir,
    databaseUrl: values.DATABASE_URL ?? `sqlite:${join(dataDir, 'lifeline.db')}`,
    policy: {
      ...defaultPolicySettings,
      gracePeriodDays: values.LIFELINE_GRACE_PERIOD_DAYS,
      emergencyWindowDays: values.LIFELINE_EMERGENCY_WINDOW_DAYS,
      windowCountsFrom: values.LIFELINE_WINDOW_COUNTS_FROM,
      maxUserCount: values.LIFELINE_MAX_USER_COUNT,
      repeatPeriodDays: values.LIFELINE_REPEAT_PERIOD_DAYS,
      escalationContact: values.LIFELINE_ESCALATION_CONTACT,
      approval: {
        seatFactor: values.LIFELINE_APPROVAL_SEAT_FACTOR,
        dailyCapPerEngineer: values.LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER,
        dailyCapDesk: values.LIFELINE_APPROVAL_DAILY_CAP_DESK,
        typedEvidenceMaxUsers: values.LIFELINE_APPROVAL_TYPED_EVIDENCE_MAX_USERS,
      },
    },
    license: {
      durationDays: values.LIFELINE_LICENSE_DURATION_DAYS,
      licenseeName: values.LIFELINE_LICENSEE_NAME,
      licenseeCompany: values.LIFELINE_LICENSEE_COMPANY,
    },
    cover: {
      reminderDays: values.LIFELINE_REMINDER_DAYS,
      reminderTime: {
        timeZone: values.LIFELINE_REMINDER_TIME_ZONE,
        hour: values.LIFELINE_REMINDER_HOUR,
      },
      emailCustomer: values.LIFELINE_REMINDER_EMAIL_CUSTOMER,
      extensionsMax: values.LIFELINE_EXTENSIONS_MAX,
    },
    ...(oidc && { oidc }),
    localAccounts: values.LIFELINE_LOCAL_ACCOUNTS === 'on',
    env: merged,
  };
}

/** The single sign-on settings belong together: all the needed ones, or none. */
function oidcSettings(values: ConfigValues): OidcSettings | undefined {
  const issuer = values.LIFELINE_OIDC_ISSUER;
  const clientId = values.LIFELINE_OIDC_CLIENT_ID;
  const problems: string[] = [];
  if (!issuer && !clientId) {
    if (values.LIFELINE_LOCAL_ACCOUNTS === 'off')
      throw new ConfigError([
        'LIFELINE_LOCAL_ACCOUNTS=off needs single sign-on (LIFELINE_OIDC_ISSUER, LIFELINE_OIDC_CLIENT_ID, LIFELINE_OIDC_ROLE_MAP): otherwise nobody could sign in to the console',
      ]);
    return undefined;
  }
  if (!issuer) problems.push('LIFELINE_OIDC_ISSUER is needed with LIFELINE_OIDC_CLIENT_ID');
  if (!clientId) problems.push('LIFELINE_OIDC_CLIENT_ID is needed with LIFELINE_OIDC_ISSUER');
  if (issuer && !issuer.startsWith('https:') && !isLoopback(issuer))
    problems.push(
      'LIFELINE_OIDC_ISSUER must be https:// (plain http only on this machine, for tests)',
    );
  const publicUrl = values.LIFELINE_PUBLIC_URL?.replace(/\/$/, '');
  const redirectUrl =
    values.LIFELINE_OIDC_REDIRECT_URL ?? (publicUrl && `${publicUrl}/auth/oidc/callback`);
  if (!redirectUrl)
    problems.push(
      'single sign-on needs LIFELINE_PUBLIC_URL or LIFELINE_OIDC_REDIRECT_URL: the address the identity provider sends people back to',
    );
  let roleMap: OidcSettings['roleMap'] = [];
  if (!values.LIFELINE_OIDC_ROLE_MAP)
    problems.push(
      'LIFELINE_OIDC_ROLE_MAP is needed with single sign-on, e.g. lifeline-engineers=engineer,licensing=approver,lifeline-admins=admin: without it nobody would get a role',
    );
  else {
    try {
      roleMap = parseRoleMap(values.LIFELINE_OIDC_ROLE_MAP);
    } catch (error) {
      problems.push(
        `LIFELINE_OIDC_ROLE_MAP: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (!values.LIFELINE_OIDC_SCOPES.split(/\s+/).includes('openid'))
    problems.push('LIFELINE_OIDC_SCOPES must include openid');
  if (problems.length > 0 || !issuer || !clientId || !redirectUrl) throw new ConfigError(problems);
  return {
    issuer,
    clientId,
    ...(values.LIFELINE_OIDC_CLIENT_SECRET && { clientSecret: values.LIFELINE_OIDC_CLIENT_SECRET }),
    redirectUrl,
    scopes: values.LIFELINE_OIDC_SCOPES,
    roleClaim: values.LIFELINE_OIDC_ROLE_CLAIM,
    roleMap,
  };
}

function readSchedules(values: ConfigValues): Config['schedules'] {
  const problems: string[] = [];
  const read = (name: string, setting: string, cron: string, timeZone: string) => {
    if (cron.toLowerCase() === 'off') return undefined;
    try {
      return defineSchedule(name, cron, timeZone);
    } catch (error) {
      problems.push(`${setting}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const auditHead = read(
    'audit-head',
    'LIFELINE_AUDIT_HEAD_SCHEDULE',
    values.LIFELINE_AUDIT_HEAD_SCHEDULE,
    'UTC',
  );
  const handoff = read(
    'handoff',
    'LIFELINE_HANDOFF_SCHEDULE',
    values.LIFELINE_HANDOFF_SCHEDULE,
    values.LIFELINE_HANDOFF_TIME_ZONE,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...(auditHead && { auditHead }), ...(handoff && { handoff }) };
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

function readConfigFile(path: string | undefined): Record<string, string> {
  if (!path) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([
      `LIFELINE_CONFIG_FILE ${path} could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([
      `LIFELINE_CONFIG_FILE ${path} must hold a JSON object of SETTING: value pairs`,
    ]);
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
}
