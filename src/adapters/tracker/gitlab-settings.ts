/**
 * Settings of the GitLab tracker. All of GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT, or none of
 * them (then requests are tracked by the built-in tracker).
 */
import { z } from 'zod';
import {
  checkServiceUrl,
  envText,
  parseSettings,
  setNames,
  type SettingsEnv,
} from '../http/service-settings.js';

export const DEFAULT_GITLAB_LABELS = ['emergency-license'];

export interface GitLabSettings {
  /** The instance's address without a trailing slash, e.g. `https://gitlab.example.com`. */
  url: string;
  /** A personal, project or group access token with the `api` scope. */
  token: string;
  /** The project holding request issues: a numeric id or its `group/project` path. */
  project: string;
  /** Labels put on every request issue. Default `emergency-license`. */
  labels: string[];
}

const PROJECT_ID = /^\d+$/;
const PROJECT_PATH = /^[\w.-]+(?:\/[\w.-]+)+$/;

/** The variables alone, with no cross-field rules: mergeable into a wider schema via `.shape`. */
export const gitLabEnvSchema = z.object({
  /** The instance's address, e.g. https://gitlab.example.com (https, or http for localhost). */
  GITLAB_URL: envText,
  /** An access token with the `api` scope, sent as `PRIVATE-TOKEN`. */
  GITLAB_TOKEN: envText,
  /** The project's numeric id or `group/project` path. */
  GITLAB_PROJECT: envText,
  /** Comma-separated labels for request issues. Default: emergency-license. */
  GITLAB_LABELS: envText,
});

/** The variables checked together and turned into GitLabSettings (undefined: not configured). */
export const gitLabSettingsSchema = gitLabEnvSchema
  .superRefine((env, ctx) => {
    const required = {
      GITLAB_URL: env.GITLAB_URL,
      GITLAB_TOKEN: env.GITLAB_TOKEN,
      GITLAB_PROJECT: env.GITLAB_PROJECT,
    };
    const present = setNames(required);
    if (present.length === 0) {
      if (env.GITLAB_LABELS !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['GITLAB_LABELS'],
          message:
            'GITLAB_LABELS is set but GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT are not (the GitLab tracker needs all three)',
        });
      }
      return;
    }
    for (const [name, value] of Object.entries(required)) {
      if (value === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${name} is missing (${present.join(' and ')} ${present.length === 1 ? 'is' : 'are'} set; the GitLab tracker needs GITLAB_URL, GITLAB_TOKEN and GITLAB_PROJECT)`,
        });
      }
    }
    if (env.GITLAB_URL !== undefined) {
      const checked = checkServiceUrl('GITLAB_URL', env.GITLAB_URL, {
        example: 'https://gitlab.example.com',
      });
      if ('problem' in checked) {
        ctx.addIssue({ code: 'custom', path: ['GITLAB_URL'], message: checked.problem });
      }
    }
    if (
      env.GITLAB_PROJECT !== undefined &&
      !PROJECT_ID.test(env.GITLAB_PROJECT) &&
      !PROJECT_PATH.test(env.GITLAB_PROJECT)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['GITLAB_PROJECT'],
        message: `GITLAB_PROJECT must be a numeric project id or a path like group/project; got "${env.GITLAB_PROJECT}"`,
      });
    }
  })
  .transform((env): GitLabSettings | undefined => {
    if (!env.GITLAB_URL || !env.GITLAB_TOKEN || !env.GITLAB_PROJECT) return undefined;
    const labels = (env.GITLAB_LABELS ?? '')
      .split(',')
      .map((label) => label.trim())
      .filter((label) => label !== '');
    return {
      // People paste the API root too; the adapter adds /api/v4 itself.
      url: env.GITLAB_URL.replace(/\/+$/, '').replace(/\/api\/v4$/, ''),
      token: env.GITLAB_TOKEN,
      project: env.GITLAB_PROJECT,
      labels: labels.length > 0 ? labels : [...DEFAULT_GITLAB_LABELS],
    };
  });

/**
 * The GitLab settings from the environment, or undefined when none is set. Throws
 * ConfigError naming each missing or malformed setting.
 */
export function parseGitLabSettings(env: SettingsEnv): GitLabSettings | undefined {
  return parseSettings('GitLab', gitLabSettingsSchema, env);
}
