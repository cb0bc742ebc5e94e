import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import { PageTitle } from './page-title.js';

/**
 * A console user changes their own password. The change ends all their sessions (this one too),
 * so the page hands over to the sign-in page with a notice.
 */
export function PasswordPage({ api, onChanged }: { api: LifelineApi; onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: TargetedEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    if (!current || !next) return setError('Enter your current password and a new one.');
    if (next !== again) return setError('The new password and its repetition differ.');
    setBusy(true);
    try {
      await api.changeOwnPassword({ currentPassword: current, newPassword: next });
      onChanged();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageTitle>Change your password</PageTitle>
      <p class="muted">Your sessions end with the change: sign in again with the new password.</p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <form
        class="filters"
        onSubmit={(event) => void submit(event)}
        aria-label="Change your password"
      >
        <div class="field">
          <label for="current-password">Current password</label>
          <input
            id="current-password"
            type="password"
            autoComplete="current-password"
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="new-password">New password</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="new-password-again">New password again</label>
          <input
            id="new-password-again"
            type="password"
            autoComplete="new-password"
            value={again}
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </div>
        <div class="filter-actions">
          <button type="submit" class="primary" disabled={busy}>
            Change password
          </button>
        </div>
      </form>
    </>
  );
}
