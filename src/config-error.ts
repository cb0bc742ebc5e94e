/**
 * The one error for settings that cannot work, whoever parses them: the core's configuration
 * (src/config.ts) and each adapter's own part (SMTP, GitLab, Slack, Zendesk). One type, so a
 * command reports a wrong setting the same way wherever it was found. Each problem names its
 * setting and never quotes a secret value.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly problems: string[],
    /** Which part of the configuration: `configuration`, `mail settings`, `GitLab settings`. */
    readonly part = 'configuration',
  ) {
    super(`Invalid ${part}:\n  - ${problems.join('\n  - ')}`);
  }
}
