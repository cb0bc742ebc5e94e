import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { RequestDetail } from '../shared/api-types.js';
import { DecisionView } from '../shared/decision-view.js';
import { dateTime, planLabel, users } from '../shared/format.js';
import { Deliveries, FailureNotice, RequestHeadline, Timeline } from '../shared/request-outcome.js';
import { useRequest } from '../shared/use-request.js';
import { CopyButton } from '../shared/copy-button.js';
import { CoverPanel } from '../shared/cover-panel.js';
import { PageTitle } from './page-title.js';
import { links } from './router.js';
import { useAction } from '../shared/use-action.js';

/** One request: the outcome, what failed and what to do, resend and retry, the decision, deliveries and timeline. */
export function RequestPage({ api, id, role }: { api: LifelineApi; id: string; role: string }) {
  const { request, error, reload } = useRequest(api, id);
  if (error && !request) {
    return (
      <>
        <PageTitle>Request</PageTitle>
        <p class="field-error" role="alert">
          {error}
        </p>
        <a href={links.requests()}>Back to the requests</a>
      </>
    );
  }
  if (!request) return <p class="muted">Loading…</p>;
  return <RequestDetails api={api} request={request} reload={reload} role={role} />;
}

function RequestDetails({
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
  const { message, busy, act } = useAction(reload);
  const [resendTo, setResendTo] = useState('');
  const [reason, setReason] = useState('');
  const settle = (verb: 'approve' | 'decline') => {
    void act(
      () => api.settle(request.id, verb, reason.trim()),
      verb === 'approve'
        ? 'Approved: the license is being generated.'
        : 'Declined: the request ends without a license.',
    );
  };

  const resend = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const to = resendTo.trim();
    void act(
      () => api.resend(request.id, to || undefined),
      `The same license is on its way again to ${to || request.customerEmail}.`,
    );
  };

  return (
    <>
      <p class="breadcrumb">
        <a href={links.requests()}>Requests</a> › #{request.ticket.id}
      </p>
      <PageTitle>{`Request for ${request.customerEmail}`}</PageTitle>
      <RequestHeadline
        request={request}
        licenseLink={`/api/v1/requests/${encodeURIComponent(request.id)}/license`}
      />
      {request.failure && request.state === 'failed' && <FailureNotice failure={request.failure} />}
      {request.approval && (
        <section class="approval" aria-labelledby="approval-heading" data-testid="approval">
          <h2 id="approval-heading">Approval</h2>
          <ul>
            {request.approval.reasons.map((held) => (
              <li key={held.code}>{held.message}</li>
            ))}
          </ul>
          {request.approval.verdict === null ? (
            <p>
              Waits for <strong>{request.approval.whoMayApprove}</strong> until{' '}
              {dateTime(request.approval.expiresAt)}.
            </p>
          ) : (
            <p>
              {request.approval.verdict === 'expired'
                ? `Expired ${request.approval.decidedAt ? dateTime(request.approval.decidedAt) : ''}: nobody approved it in time.`
                : `${request.approval.verdict === 'approved' ? 'Approved' : 'Declined'} by ${request.approval.decidedBy ?? '?'}${request.approval.reason ? `: ${request.approval.reason}` : ''}`}
            </p>
          )}
        </section>
      )}

      <dl class="facts facts-wide">
        <dt>Request id</dt>
        <dd>
          <code>{request.id}</code>
          <CopyButton what="request id" value={request.id} />
        </dd>
        <dt>Ticket</dt>
        <dd>
          <a href={request.ticket.url} target="_blank" rel="noopener">
            #{request.ticket.id}
          </a>
        </dd>
        <dt>Requested</dt>
        <dd>
          {dateTime(request.createdAt)} by {request.requestedBy}{' '}
          <span class="muted">(via {request.origin})</span>
        </dd>
        {request.batch && (
          <>
            <dt>Batch</dt>
            <dd>
              <a href={links.batch(request.batch.id)}>Row {request.batch.row} of its batch</a>
            </dd>
          </>
        )}
        <dt>Users asked for</dt>
        <dd>{users(request.userCount)}</dd>
        <dt>License</dt>
        <dd>
          {request.license ? (
            <>
              {planLabel(request.license.plan)}
              {request.license.trial ? ' trial' : ''}, {users(request.license.userCount)}, works
              through {request.license.lastFullDay} (expires at 00:00 on {request.license.expiresAt}
              , server time){' '}
              <a href={`/api/v1/requests/${encodeURIComponent(request.id)}/license`} download>
                Download the license file
              </a>
              <CopyButton what="license" text={() => licenseText(request.id)} />
            </>
          ) : (
            <span class="muted">none</span>
          )}
        </dd>
        <dt>Tracker issue</dt>
        <dd>
          {request.trackerIssue ? (
            <>
              {request.trackerIssue.url ? (
                <a href={request.trackerIssue.url} target="_blank" rel="noopener">
                  #{request.trackerIssue.number}
                </a>
              ) : (
                `#${request.trackerIssue.number}`
              )}{' '}
              {request.trackerIssue.title} <span class="muted">({request.trackerIssue.state})</span>
              {request.trackerIssue.url && (
                <CopyButton what="tracker link" value={request.trackerIssue.url} />
              )}
            </>
          ) : (
            <span class="muted">none yet</span>
          )}
        </dd>
        {request.note && (
          <>
            <dt>Note</dt>
            <dd>{request.note}</dd>
          </>
        )}
      </dl>

      <section class="actions-panel" aria-labelledby="actions-heading">
        <h2 id="actions-heading">Actions</h2>
        {message && (
          <p
            class={message.tone === 'ok' ? 'notice' : 'field-error'}
            role={message.tone === 'ok' ? 'status' : 'alert'}
          >
            {message.text}
          </p>
        )}
        {request.state === 'awaiting_approval' && (
          <form
            class="action"
            aria-label="Approve or decline"
            onSubmit={(event) => {
              event.preventDefault();
              settle('approve');
            }}
          >
            <div class="field">
              <label for="approval-reason">Reason (recorded in the audit log)</label>
              <p class="hint" id="approval-reason-hint">
                Only {request.approval?.whoMayApprove ?? 'an approver'} may approve or decline.
              </p>
              <input
                id="approval-reason"
                aria-describedby="approval-reason-hint"
                value={reason}
                onInput={(event) => setReason(event.currentTarget.value)}
                required
              />
            </div>
            <button type="submit" class="primary" disabled={busy}>
              Approve
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => settle('decline')}>
              Decline
            </button>
          </form>
        )}
        {request.state === 'failed' && (
          <div class="action">
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={() =>
                void act(() => api.retry(request.id), 'Retrying from the step that failed.')
              }
            >
              Retry from the failed step
            </button>
            <p class="hint">Continues where it stopped; never makes a second license.</p>
          </div>
        )}
        {request.license ? (
          <form class="action resend" onSubmit={resend} aria-label="Resend the license">
            <div class="field">
              <label for="resend-to">Resend the same license to</label>
              <p class="hint" id="resend-to-hint">
                Leave empty to send it to {request.customerEmail} again.
              </p>
              <input
                id="resend-to"
                type="email"
                aria-describedby="resend-to-hint"
                placeholder={request.customerEmail}
                value={resendTo}
                onInput={(event) => setResendTo(event.currentTarget.value)}
              />
            </div>
            <button type="submit" disabled={busy}>
              Resend the license
            </button>
          </form>
        ) : (
          request.state !== 'failed' && (
            <p class="muted">
              No license to resend
              {request.state === 'rejected'
                ? request.approval
                  ? ': nothing was issued.'
                  : ': the request was not eligible.'
                : ' yet.'}
            </p>
          )
        )}
      </section>

      {request.renewal && <CoverPanel api={api} request={request} reload={reload} role={role} />}

      {request.decision && (
        <section aria-labelledby="decision-heading">
          <h2 id="decision-heading">Decision</h2>
          <DecisionView decision={request.decision} requestLink={links.request} />
        </section>
      )}
      <section aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Deliveries</h2>
        <Deliveries deliveries={request.deliveries} />
      </section>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <Timeline events={request.timeline} />
      </section>
    </>
  );
}

/** The license file's text, fetched as the download link would (and audited as a download). */
async function licenseText(id: string): Promise<string> {
  const answer = await fetch(`/api/v1/requests/${encodeURIComponent(id)}/license`);
  if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
  return answer.text();
}
