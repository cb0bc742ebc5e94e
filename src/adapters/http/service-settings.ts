/**
 * Helpers shared by every adapter's settings parser (SMTP, GitLab, Slack, Zendesk): read
 * environment values, check service addresses, and report every problem at once with the
 * setting's name, as the one ConfigError.
 */
import { z } from 'zod';
import { ConfigError } from '../../config-error.js';

export type SettingsEnv = Readonly<Record<string, string | undefined>>;

/** An unset variable and a blank one (`SMTP_URL=` in a `.env` file) mean the same. */
export const unsetIfBlank = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** An issue's message, led by its setting's name unless it already names it. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path.join('.');
  return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
}

/** An environment value: trimmed, and empty counts as unset (a blank line in `.env`). */
export const envText = z
  .string()
  .optional()
  .transform((value) => {
    const trimmed = value?.trim();
    return trimmed ? trimmed : undefined;
  });

/**
 * Parses `env` with `schema`; on failure throws ConfigError listing every issue, each naming its
 * setting. The schemas' messages never quote secret values.
 */
export function parseSettings<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  env: SettingsEnv,
): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map(describeIssue), `${service} settings`);
}

/** The names of the settings in `values` that are set, for "X is missing (Y is set)". */
export function setNames(values: Record<string, string | undefined>): string[] {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
}

/**
 * Checks a service address: https, or plain http only to a loopback host (the local fakes in
 * tests, a tunnel on the same machine), since the credentials travel with every request.
 * Returns a problem sentence naming the setting, or the URL.
 */
export function checkServiceUrl(
  setting: string,
  value: string,
  options: { example: string; quote?: boolean },
): { url: URL } | { problem: string } {
  const shown = options.quote === false ? 'its value' : `"${redactUserInfo(value)}"`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `${setting} is not a URL (${shown}); expected e.g. ${options.example}` };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return {
      problem: `${setting} must use https (plain http is accepted only for localhost); got ${shown}`,
    };
  }
  if (url.username || url.password) {
    return { problem: `${setting} must not carry a user name or password; use the token settings` };
  }
  return { url };
}

export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    hostname === '::1' ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname)
  );
}

function redactUserInfo(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//[redacted]@');
}
