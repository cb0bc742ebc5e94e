import type { TargetedEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { SessionAnswer, SignInOptions } from '../shared/api-types.js';
import { PageTitle } from './page-title.js';

/**
 * Sign in with single sign-on (when configured: a plain link, the browser goes to the identity
 * provider and back), a local account, or an API token (`lifeline tokens create`). With local
 * accounts off the page offers single sign-on only.
 */
export function SignInPage({
  api,
  onSignedIn,
  notice,
}: {
  api: LifelineApi;
  onSignedIn: (answer: SessionAnswer) => void;
  notice?: string;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [options, setOptions] = useState<SignInOptions>();

  useEffect(() => {
    // An older service without the route: the forms, as before.
    api.signInOptions().then(setOptions, () => setOptions({ sso: false, localAccounts: true }));
  }, [api]);

  async function signIn(
    event: TargetedEvent<HTMLFormElement>,
    credentials: { token: string } | { username: string; password: string },
  ) {
    event.preventDefault();
    setError(undefined);
    if (
      'token' in credentials
        ? !credentials.token.trim()
        : !credentials.username.trim() || !credentials.password
    ) {
      setError(
        'token' in credentials ? 'Enter an API token.' : 'Enter your username and password.',
      );
      return;
    }
    setBusy(true);
    try {
      onSignedIn(
        await api.signIn(
          'token' in credentials
            ? { token: credentials.token.trim() }
            : { username: credentials.username.trim(), password: credentials.password },
        ),
      );
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <div class="brand brand-large">
        <span class="brand-mark" aria-hidden="true" />
        Lifeline
      </div>
      <PageTitle>Sign in</PageTitle>
      <p class="muted">Temporary licenses for customers whose paid GitLab license just ran out.</p>
      {notice && <p class="notice">{notice}</p>}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {options?.sso && (
        <p class="sso-sign-in">
          <a class="button primary" href="/auth/oidc/start">
            Sign in with SSO
          </a>
        </p>
      )}
      {options?.localAccounts && (
        <>
          <form
            onSubmit={(event) => void signIn(event, { username, password })}
            aria-label="Sign in with your account"
          >
            <div class="field">
              <label for="username">Username</label>
              <input
                id="username"
                autoComplete="username"
                value={username}
                onInput={(event) => setUsername(event.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="password">Password</label>
              <input
                id="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onInput={(event) => setPassword(event.currentTarget.value)}
              />
            </div>
            <button type="submit" class="primary" disabled={busy}>
              Sign in
            </button>
          </form>
          <details class="token-sign-in">
            <summary>Sign in with an API token instead</summary>
            <form
              onSubmit={(event) => void signIn(event, { token })}
              aria-label="Sign in with an API token"
            >
              <div class="field">
                <label for="token">API token</label>
                <input
                  id="token"
                  type="password"
                  autoComplete="off"
                  value={token}
                  onInput={(event) => setToken(event.currentTarget.value)}
                />
              </div>
              <button type="submit" disabled={busy}>
                Sign in with the token
              </button>
            </form>
          </details>
        </>
      )}
    </main>
  );
}
