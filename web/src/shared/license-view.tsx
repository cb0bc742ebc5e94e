import type { InspectAnswer } from './api-types.js';
import { planLabel, users } from './format.js';

const statusLabels: Record<string, string> = {
  not_started: 'Not started',
  active: 'Active',
  expired_in_grace: 'In grace period',
  read_only: 'Read-only',
  expired_free: 'Expired (Free tier)',
};

/** A decoded license: who it is for, what it allows, and where it stands today. */
export function LicenseView({
  answer,
  compact = false,
}: {
  answer: Extract<InspectAnswer, { ok: true }>;
  compact?: boolean;
}) {
  const { license, status, period, life } = answer;
  const restrictions = license.restrictions ?? {};
  const licensee = license.licensee ?? {};
  return (
    <div class="license" data-testid="license-view">
      <p class="license-status">
        <span
          class={`badge badge-${status.kind === 'active' ? 'ok' : status.kind === 'read_only' ? 'bad' : 'busy'}`}
        >
          {statusLabels[status.kind] ?? status.kind}
        </span>{' '}
        {status.summary}
      </p>
      <dl class="facts">
        <dt>Plan</dt>
        <dd>
          {planLabel(restrictions.plan)}
          {restrictions.trial ? ' (trial)' : ''}
        </dd>
        <dt>Users</dt>
        <dd>
          {typeof restrictions.active_user_count === 'number'
            ? users(restrictions.active_user_count)
            : 'no limit'}
        </dd>
        <dt>Licensee</dt>
        <dd>
          {[licensee.Name, licensee.Company, licensee.Email].filter(Boolean).join(', ') || '—'}
        </dd>
        <dt>Starts</dt>
        <dd>{period.startsOn} (GitLab’s time zone)</dd>
        <dt>Works through</dt>
        <dd>
          {period.lastFullDay} (expires at 00:00 on {period.expiresOn}, server time)
        </dd>
        <dt>Read-only from</dt>
        <dd>
          {period.readOnlyFrom ??
            'never: a trial without a read-only date runs at the Free tier once expired'}
        </dd>
        {!compact && typeof restrictions.previous_user_count === 'number' && (
          <>
            <dt>Previous users</dt>
            <dd>{users(restrictions.previous_user_count)}</dd>
          </>
        )}
        {!compact && restrictions.subscription_id && (
          <>
            <dt>Subscription</dt>
            <dd>{restrictions.subscription_id}</dd>
          </>
        )}
        {!compact && (
          <>
            <dt>Signed by key</dt>
            <dd data-testid="license-key">
              {answer.keyName ?? 'an unnamed key'}{' '}
              <span class="mono muted">({answer.keyFingerprint.slice(0, 16)}…)</span>
            </dd>
          </>
        )}
      </dl>
      {!compact && (
        <>
          <h4>What GitLab will do with it</h4>
          <ol class="license-life" data-testid="license-life">
            {life.map((event) => (
              <li key={event.kind}>
                <strong>{event.on}</strong> {event.says}
              </li>
            ))}
          </ol>
        </>
      )}
      {!compact && (
        <details>
          <summary>All fields</summary>
          <pre class="raw">{JSON.stringify(license, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}
