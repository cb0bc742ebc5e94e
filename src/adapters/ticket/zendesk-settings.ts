/**
 * Settings of the Zendesk ticket note: all of ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN,
 * or none (then notes stay in the request timeline). Zendesk's API token authentication is
 * Basic auth with `{email}/token` as the user and the token as the password.
 */
import { z } from 'zod';
import {
  checkServiceUrl,
  envText,
  parseSettings,
  setNames,
  type SettingsEnv,
} from '../http/service-settings.js';

export interface ZendeskSettings {
  /** The account's address without a trailing slash, e.g. `https://example.zendesk.com`. */
  url: string;
  /** An agent's (or admin's) email address: notes are written as this user. */
  email: string;
  /** An API token (Admin Center › Apps and integrations › Zendesk API). */
  apiToken: string;
}

const EMAIL = /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/;

/** The variables alone, with no cross-field rules: mergeable into a wider schema via `.shape`. */
export const zendeskEnvSchema = z.object({
  /** e.g. https://example.zendesk.com (https, or http for localhost). */
  ZENDESK_URL: envText,
  /** The agent the notes are written as. */
  ZENDESK_EMAIL: envText,
  /** That agent's API token. */
  ZENDESK_API_TOKEN: envText,
});

export const zendeskSettingsSchema = zendeskEnvSchema
  .superRefine((env, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    // Spelled out: zod leaves absent keys out of its output, so Object.entries(env) would miss them.
    const required = {
      ZENDESK_URL: env.ZENDESK_URL,
      ZENDESK_EMAIL: env.ZENDESK_EMAIL,
      ZENDESK_API_TOKEN: env.ZENDESK_API_TOKEN,
    };
    const present = setNames(required);
    if (present.length === 0) return;
    for (const [name, value] of Object.entries(required)) {
      if (value === undefined) {
        problem(
          name,
          `${name} is missing (${present.join(' and ')} ${present.length === 1 ? 'is' : 'are'} set; the Zendesk note needs ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN)`,
        );
      }
    }
    if (env.ZENDESK_URL !== undefined) {
      const checked = checkServiceUrl('ZENDESK_URL', env.ZENDESK_URL, {
        example: 'https://example.zendesk.com',
      });
      if ('problem' in checked) {
        problem('ZENDESK_URL', checked.problem);
      } else if (checked.url.pathname !== '/' || checked.url.search !== '') {
        problem(
          'ZENDESK_URL',
          `ZENDESK_URL must be the account's address only, e.g. https://example.zendesk.com; got "${env.ZENDESK_URL}"`,
        );
      }
    }
    if (env.ZENDESK_EMAIL !== undefined && !EMAIL.test(env.ZENDESK_EMAIL)) {
      problem(
        'ZENDESK_EMAIL',
        `ZENDESK_EMAIL must be an agent's email address; got "${env.ZENDESK_EMAIL}"`,
      );
    }
  })
  .transform((env): ZendeskSettings | undefined => {
    if (!env.ZENDESK_URL || !env.ZENDESK_EMAIL || !env.ZENDESK_API_TOKEN) return undefined;
    return {
      url: new URL(env.ZENDESK_URL).origin,
      email: env.ZENDESK_EMAIL,
      apiToken: env.ZENDESK_API_TOKEN,
    };
  });

/**
 * The Zendesk settings from the environment, or undefined when none is set. Throws
 * ConfigError naming each missing or malformed setting; never quotes the token.
 */
export function parseZendeskSettings(env: SettingsEnv): ZendeskSettings | undefined {
  return parseSettings('Zendesk', zendeskSettingsSchema, env);
}
