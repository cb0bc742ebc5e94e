const REDACTED = '[redacted]';

/** Query parameters some APIs accept credentials in (GitLab's `private_token`, OAuth's `access_token`). */
const TOKEN_IN_QUERY = /([?&](?:private_token|access_token|token|api_token|password)=)[^&\s#"']+/gi;

/** `Authorization: Bearer …` / `Basic …` and GitLab's `PRIVATE-TOKEN: …` as they may be echoed back. */
const CREDENTIAL_HEADER =
  /((?:authorization|private-token)["']?\s*[:=]\s*["']?(?:bearer\s+|basic\s+|token\s+)?)[^\s"',}]+/gi;

/**
 * Removes known secrets and anything shaped like a credential from text that came from outside
 * (error bodies, socket errors) before it reaches a message, a log or a tracker issue.
 * Secrets shorter than 4 characters are ignored: replacing them would mangle ordinary words.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret.length >= 4) clean = clean.split(secret).join(REDACTED);
  }
  return clean.replace(TOKEN_IN_QUERY, `$1${REDACTED}`).replace(CREDENTIAL_HEADER, `$1${REDACTED}`);
}

/** The URL with credentials in its query or user-info replaced, for messages and logs. */
export function scrubUrl(url: URL | string, secrets: readonly string[] = []): string {
  const copy = new URL(String(url));
  // Brackets would be percent-encoded in user info: a plain word reads better there.
  if (copy.username) copy.username = 'redacted';
  if (copy.password) copy.password = 'redacted';
  return scrubSecrets(copy.toString(), secrets);
}
