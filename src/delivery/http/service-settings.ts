/**
 * Helpers shared by the GitLab, Slack and Zendesk settings parsers: read environment values,
 * check service addresses, and report every problem at once with the setting's name.
 */
import { z } from 'zod';

export type SettingsEnv = Readonly<Record<string, string | undefined>>;

/** Settings that cannot work together; the message lists each problem, naming the setting. */
export class InvalidSettingsError extends Error {
  override readonly name = 'InvalidSettingsError';
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${service} settings: ${problems.join('; ')}`);
  }
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
 * Parses `env` with `schema`; on failure throws InvalidSettingsError listing every issue's
 * message. The schemas' messages name settings and never quote secret values.
 */
export function parseSettings<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  env: SettingsEnv,
): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new InvalidSettingsError(
    service,
    result.error.issues.map((issue) => issue.message),
  );
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
