/**
 * Who an outbound call talks to, described so that a failure can name the vendor and the
 * settings a person would change. One value per adapter instance.
 */
export interface RemoteService {
  /** Shown in messages: `GitLab`, `Zendesk`, `Slack`. */
  name: string;
  /** Prefix of machine codes: `GITLAB` gives `GITLAB_RATE_LIMITED`. */
  codePrefix: string;
  /** The setting holding the service's address, named when a reply is not the API's: `GITLAB_URL`. */
  urlSetting: string;
  /** The setting(s) holding the credential, named on 401/403: `GITLAB_TOKEN`. */
  credentialSetting: string;
  /** What to check after a 401, e.g. `check the token is valid and has the api scope`. */
  unauthorizedHint: string;
  /** What to check after a 403. */
  forbiddenHint: string;
  /**
   * Values that must never reach a message or a remote reply we keep: tokens, and the encoded
   * Basic credentials. Scrubbed wherever text from outside is copied.
   */
  secrets: readonly string[];
}
