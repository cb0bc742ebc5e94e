import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import type { LifelineApi } from './api.js';
import type { RequestDetail } from './api-types.js';
import { dateTime, planLabel, users } from './format.js';
import { useAction } from './use-action.js';

const stateWords: Record<string, string> = {
  pending: 'Waiting for the customer’s renewal',
  extended: 'Extended; waiting for the customer’s renewal',
  renewed: 'Renewed',
  lapsed: 'Lapsed: the temporary license ended with no renewal',
};

/**
 * After delivery: the cover, the licenses of the request in order, and the forms that close the
 * loop (the customer's new license, pasted or uploaded; for approvers, done without the file,
 * and an extension). The console and the Zendesk sidebar show the same panel; `role` is the
 * signed-in caller's, and the service refuses what the role may not do whatever is shown.
 */
export function CoverPanel({
  api,
  request,
  reload,
  role,
}: {
  api: LifelineApi;
  request: RequestDetail;
  reload: () => Promise<void>;
  role: string;
}) {
  const renewal = request.renewal;
  const [licenseFile, setLicenseFile] = useState('');
  const [fileName, setFileName] = useState<string>();
  const [reason, setReason] = useState('');
  const [extendReason, setExtendReason] = useState('');
  const [extendUsers, setExtendUsers] = useState('');
  const { message, busy, act } = useAction(reload);
  if (!renewal) return null;
  const approver = role === 'approver';
  const open = renewal.state !== 'renewed';
  const waiting = renewal.state === 'pending' || renewal.state === 'extended';
  const extension = renewal.extension;
  const extending = extension?.state === 'pending';
  const extensionsMax = renewal.extensionsMax;
  const limitReached = extensionsMax !== undefined && renewal.extensions >= extensionsMax;

  const upload = async (event: TargetedEvent<HTMLInputElement>) => {
    const file = event.currentTarget.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setLicenseFile((await file.text()).trim());
  };
  const renew = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void act(
      () => api.recordRenewal(request.id, { licenseFile: licenseFile.trim() }),
      'Renewal recorded: the channel, the ticket and the tracker issue are being told.',
    );
  };
  const markDone = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void act(
      () => api.recordRenewal(request.id, { reason: reason.trim() }),
      'Renewal marked done.',
    );
  };
  const extend = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const count = extendUsers.trim() === '' ? undefined : Number(extendUsers);
    void act(async () => {
      await api.extendCover(request.id, {
        reason: extendReason.trim(),
        ...(count !== undefined && { userCount: count }),
      });
      // Asked: the form empties, so nobody reads the old values as a second ask to send.
      setExtendReason('');
      setExtendUsers('');
    }, 'Extension asked: the new license is being signed, then emailed to the customer.');
  };

  return (
    <section class="actions-panel" aria-labelledby="cover-heading" data-testid="cover">
      <h2 id="cover-heading">Cover and renewal</h2>
      <p data-testid="cover-state">
        <strong>{stateWords[renewal.state] ?? renewal.state}</strong>
        {waiting && renewal.temporaryLicenseLastFullDay && (
          <>
            {' '}
            — the temporary license works through {renewal.temporaryLicenseLastFullDay}
            {renewal.daysLeft !== null && (
              <span data-testid="cover-days-left">
                {' '}
                (
                {renewal.daysLeft === 0
                  ? 'it ends today'
                  : renewal.daysLeft === 1
                    ? '1 day left'
                    : `${renewal.daysLeft} days left`}
                )
              </span>
            )}
            .
          </>
        )}
      </p>
      {extension && extension.state !== 'made' && (
        <p
          data-testid="extension-state"
          class={extension.state === 'failed' ? 'field-error' : 'notice'}
          role="status"
        >
          {extension.state === 'pending'
            ? `An extension asked by ${extension.requestedBy} (${users(extension.userCount)}) is being signed.`
            : (extension.failure ?? 'The extension was not made.')}
        </p>
      )}
      {waiting && limitReached && (
        <ExtensionLimit request={request} extensionsMax={extensionsMax} />
      )}
      {renewal.state === 'renewed' && (
        <p>
          {renewal.source === 'license_file' ? (
            <>
              {planLabel(renewal.plan ?? '')}, {users(renewal.userCount ?? 0)}, {renewal.startsOn}{' '}
              to {renewal.expiresOn}
            </>
          ) : (
            <>Marked done without the file: {renewal.reason}</>
          )}{' '}
          <span class="muted">
            (recorded by {renewal.recordedBy}
            {renewal.recordedAt ? `, ${dateTime(renewal.recordedAt)}` : ''})
          </span>
        </p>
      )}
      {request.licenses.length > 1 && (
        <ol class="licenses" aria-label="Licenses of this request">
          {request.licenses.map((license) => (
            <li key={license.fingerprint}>
              {users(license.userCount)}, works through {license.lastFullDay}{' '}
              <code>{license.fingerprint.slice(0, 16)}…</code>
            </li>
          ))}
        </ol>
      )}
      {message && (
        <p
          class={message.tone === 'ok' ? 'notice' : 'field-error'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
        >
          {message.text}
        </p>
      )}
      {open && (
        <form class="action" onSubmit={renew} aria-label="Record the renewal">
          <div class="field">
            <label for="renewal-license">The customer’s new license</label>
            <p class="hint" id="renewal-license-hint">
              Paste the .gitlab-license text, or upload the file. It must be a paid license for this
              customer that starts by the day the temporary one ends.
            </p>
            <textarea
              id="renewal-license"
              rows={4}
              aria-describedby="renewal-license-hint"
              value={licenseFile}
              onInput={(event) => setLicenseFile(event.currentTarget.value)}
            />
            <input
              type="file"
              accept=".gitlab-license,text/plain"
              aria-label="Upload the renewed license file"
              onChange={(event) => void upload(event)}
            />
            {fileName && <p class="hint">Read from {fileName}.</p>}
          </div>
          <button type="submit" class="primary" disabled={busy || licenseFile.trim() === ''}>
            Record the renewal
          </button>
        </form>
      )}
      {open && approver && (
        <form class="action" onSubmit={markDone} aria-label="Mark the renewal done">
          <div class="field">
            <label for="renewal-reason">Done without the file (approvers): why</label>
            <input
              id="renewal-reason"
              value={reason}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </div>
          <button type="submit" disabled={busy || reason.trim().length < 3}>
            Mark the renewal done
          </button>
        </form>
      )}
      {waiting && approver && !extending && !limitReached && (
        <form class="action" onSubmit={extend} aria-label="Extend the cover">
          <div class="field">
            <label for="extend-reason">Extend with a new temporary license: why</label>
            <input
              id="extend-reason"
              value={extendReason}
              onInput={(event) => setExtendReason(event.currentTarget.value)}
            />
            <label for="extend-users">Seats (leave empty for the same)</label>
            <input
              id="extend-users"
              inputMode="numeric"
              value={extendUsers}
              placeholder={String(request.license?.userCount ?? '')}
              onInput={(event) => setExtendUsers(event.currentTarget.value)}
            />
            <p class="hint">
              Not for your own request;{' '}
              {extensionsMax === undefined || extensionsMax === 1
                ? 'once per request'
                : `at most ${extensionsMax} times per request`}
              .
            </p>
          </div>
          <button type="submit" disabled={busy || extendReason.trim().length < 3}>
            Extend the cover
          </button>
        </form>
      )}
    </section>
  );
}

/**
 * In place of the extend form once LIFELINE_EXTENSIONS_MAX extensions are made (the service
 * would refuse another): who extended it last and when, and where to go instead.
 */
function ExtensionLimit({
  request,
  extensionsMax,
}: {
  request: RequestDetail;
  extensionsMax: number;
}) {
  const renewal = request.renewal;
  if (!renewal) return null;
  if (extensionsMax === 0)
    return (
      <p data-testid="extension-limit" class="notice">
        This service makes no extensions (LIFELINE_EXTENSIONS_MAX = 0): escalate to the licensing
        team for the renewal itself.
      </p>
    );
  const latest = request.licenses.find((license) => license.lineageIndex === renewal.extensions);
  const by = renewal.extension?.state === 'made' ? renewal.extension.requestedBy : undefined;
  return (
    <p data-testid="extension-limit" class="notice">
      The extension limit is reached ({renewal.extensions} of {extensionsMax}): extended
      {by ? ` by ${by}` : ''}
      {latest ? ` on ${latest.issuedAt}` : ''}. Escalate to the licensing team for the renewal
      itself.
    </p>
  );
}
