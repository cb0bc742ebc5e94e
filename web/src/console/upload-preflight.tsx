import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { PreflightAnswer } from '../shared/api-types.js';

/**
 * "Will the customer's GitLab take it?": GitLab's own upload checks for a license the inspector
 * has read, with the subscription page's user cards and the instance's two clocks.
 */
export function UploadPreflight({ api, license }: { api: LifelineApi; license: string }) {
  const [maximumUsers, setMaximumUsers] = useState('');
  const [billableUsers, setBillableUsers] = useState('');
  const [gitlabTimeZone, setGitlabTimeZone] = useState('UTC');
  const [serverTimeZone, setServerTimeZone] = useState('UTC');
  const [answer, setAnswer] = useState<PreflightAnswer>();
  const [error, setError] = useState<string>();

  async function check(event: TargetedEvent<HTMLFormElement>) {
    event.preventDefault();
    setAnswer(undefined);
    setError(undefined);
    if (!/^\s*\d+\s*$/.test(maximumUsers)) {
      setError('Enter the Maximum users shown on the subscription page.');
      return;
    }
    try {
      setAnswer(
        await api.preflightLicense({
          license,
          maximumUsers: Number(maximumUsers),
          ...(billableUsers.trim() !== '' && { billableUsers: Number(billableUsers) }),
          gitlabTimeZone: gitlabTimeZone.trim() || 'UTC',
          serverTimeZone: serverTimeZone.trim() || 'UTC',
        }),
      );
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  const input = (
    id: string,
    label: string,
    value: string,
    set: (value: string) => void,
    numeric = false,
  ) => (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode={numeric ? 'numeric' : undefined}
        autoComplete="off"
        value={value}
        onInput={(event) => set(event.currentTarget.value)}
      />
    </div>
  );

  return (
    <form class="preflight" onSubmit={(event) => void check(event)} aria-label="Upload preflight">
      <h3>Will the customer’s GitLab accept it now?</h3>
      <div class="field-row">
        {input('preflight-maximum', 'Maximum users', maximumUsers, setMaximumUsers, true)}
        {input(
          'preflight-billable',
          'Billable users (optional)',
          billableUsers,
          setBillableUsers,
          true,
        )}
      </div>
      <div class="field-row">
        {input('preflight-gitlab-zone', 'GitLab’s time zone', gitlabTimeZone, setGitlabTimeZone)}
        {input('preflight-server-zone', 'Server time zone', serverTimeZone, setServerTimeZone)}
      </div>
      <button type="submit">Check the upload</button>
      <div aria-live="polite" data-testid="preflight-answer">
        {error && <p class="field-error">{error}</p>}
        {answer &&
          (answer.accepted ? (
            <p class="notice">
              <strong>GitLab accepts it.</strong> Active from {answer.activeFrom}, until{' '}
              {answer.expiresAt}: {answer.validHours} hours.
            </p>
          ) : (
            <p class="notice notice-bad">
              <strong>GitLab refuses it:</strong> {answer.message}
            </p>
          ))}
      </div>
    </form>
  );
}
