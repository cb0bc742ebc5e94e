import type { RequestDetail } from './api-types.js';
import { dateTime } from './format.js';
import { StateBadge } from './state-badge.js';

/** What happened to a request, in one sentence a support engineer can pass on. */
export function outcomeSentence(request: RequestDetail): string {
  switch (request.state) {
    case 'awaiting_approval':
      return `Waiting for ${request.approval?.whoMayApprove ?? 'an approver'} to approve or decline it${request.approval ? ` before ${dateTime(request.approval.expiresAt)}` : ''}: nothing is issued until then.`;
    case 'queued':
      return 'Accepted: the license is being generated.';
    case 'issuing':
      return 'The license exists and is on its way to the customer.';
    case 'succeeded':
      return request.license
        ? `Sent to ${request.customerEmail}: an Ultimate trial for ${request.license.userCount} users, working through ${request.license.lastFullDay} (it expires at 00:00 on ${request.license.expiresAt}, the customer’s server time).`
        : `Sent to ${request.customerEmail}.`;
    case 'failed':
      return `Failed: could not ${request.failure?.label ?? 'finish'}.`;
    case 'rejected':
      if (request.approval?.verdict === 'declined')
        return `Declined by ${request.approval.decidedBy ?? 'an approver'}: nothing was issued.`;
      if (request.approval?.verdict === 'expired')
        return 'Expired: nobody approved it in time, nothing was issued.';
      return 'Not eligible: nothing was issued.';
  }
}

/** The failure box: which step failed, why, and what to do next. */
export function FailureNotice({ failure }: { failure: NonNullable<RequestDetail['failure']> }) {
  return (
    <div class="failure" role="alert" data-testid="failure">
      <p>
        <strong>Could not {failure.label}.</strong>
      </p>
      <p>{failure.message}</p>
      {failure.nextAction && (
        <p>
          <strong>Next: </strong>
          {failure.nextAction}
        </p>
      )}
    </div>
  );
}

/** The license email while its last attempt failed: the one thing that must not read "on its way". */
export function failingEmail(request: RequestDetail) {
  if (request.state !== 'issuing') return undefined;
  return request.deliveries.find(
    (delivery) =>
      delivery.medium === 'email' &&
      delivery.purpose === 'license' &&
      delivery.state === 'retrying',
  );
}

export function RequestHeadline({
  request,
  licenseLink,
}: {
  request: RequestDetail;
  /** Where the license can be downloaded, where the page can offer it. */
  licenseLink?: string;
}) {
  const failing = failingEmail(request);
  if (failing) {
    return (
      <div
        class="outcome outcome-failing"
        data-testid="outcome"
        data-state="email-failing"
        role="alert"
      >
        <p>
          <StateBadge state={request.state} />{' '}
          <strong>The email to {failing.destination} is failing:</strong>{' '}
          {failing.lastError ?? 'the mail server refused it'}.{' '}
          {failing.nextAttemptAt
            ? `Lifeline tries again at ${dateTime(failing.nextAttemptAt)} (attempt ${failing.attempts + 1}).`
            : 'Lifeline tries again shortly.'}
        </p>
        <p>
          The license exists. Meanwhile,{' '}
          {licenseLink ? (
            <a href={licenseLink} download>
              download the license to attach it to the ticket
            </a>
          ) : (
            'open this request in the Lifeline console and download the license to attach it to the ticket'
          )}
          .
        </p>
      </div>
    );
  }
  return (
    <p class="outcome" data-testid="outcome" data-state={request.state}>
      <StateBadge state={request.state} /> {outcomeSentence(request)}
    </p>
  );
}

export function Timeline({ events }: { events: RequestDetail['timeline'] }) {
  return (
    <ol class="timeline">
      {events.map((event, index) => (
        <li key={index}>
          <time dateTime={event.at}>{dateTime(event.at)}</time>
          <span>
            {event.message}
            {event.actor && <span class="muted"> ({event.actor})</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}

const deliveryStateLabels: Record<string, string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  failed: 'Failed',
  retrying: 'Retrying',
};

export function Deliveries({ deliveries }: { deliveries: RequestDetail['deliveries'] }) {
  if (deliveries.length === 0) return <p class="muted">Nothing delivered yet.</p>;
  return (
    <div class="table-wrap">
      <table class="deliveries stack" aria-label="Deliveries">
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">To</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Answer</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id}>
              <td data-label="What">
                {delivery.medium} <span class="muted">({delivery.purpose})</span>
              </td>
              <td data-label="To">{delivery.destination}</td>
              <td data-label="State">
                {deliveryStateLabels[delivery.state] ?? delivery.state}
                {delivery.nextAttemptAt && delivery.state === 'retrying' && (
                  <span class="muted"> (next try {dateTime(delivery.nextAttemptAt)})</span>
                )}
              </td>
              <td data-label="Attempts">{delivery.attempts}</td>
              <td data-label="Answer" class="wrap">
                {delivery.lastError ?? delivery.remoteReply ?? delivery.receipt ?? '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
