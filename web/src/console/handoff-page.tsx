import type { TargetedEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { HandoffDigest, HandoffRequest } from '../shared/api-types.js';
import { dateTime } from '../shared/format.js';
import { PageTitle } from './page-title.js';
import { links } from './router.js';

/**
 * The Monday hand-off as a page: what the digest to the channel says, for the period since the
 * last digest or one chosen here. Lists, not tables, so it reads on a phone without scrolling
 * sideways.
 */
export function HandoffPage({ api }: { api: LifelineApi }) {
  const [draft, setDraft] = useState('');
  const [since, setSince] = useState<string>();
  const [digest, setDigest] = useState<HandoffDigest>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    setError(undefined);
    api
      .handoff(since)
      .then(setDigest, (failure: unknown) =>
        setError(failure instanceof Error ? failure.message : String(failure)),
      );
  }, [api, since]);

  const apply = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSince(draft.trim() === '' ? undefined : draft.trim());
  };

  return (
    <>
      <PageTitle>Hand-off</PageTitle>
      <p class="muted">
        Every emergency request since the last digest, and what needs a person now. The same digest
        goes to the channel and by email on its schedule.
      </p>
      <form class="filters" onSubmit={apply} aria-label="Choose the period">
        <div class="field">
          <label for="handoff-since">Since</label>
          <input
            id="handoff-since"
            placeholder="3d, 12h or YYYY-MM-DD (default: the last digest)"
            value={draft}
            onInput={(event) => setDraft(event.currentTarget.value)}
          />
        </div>
        <div class="filter-actions">
          <button type="submit" class="primary">
            Show
          </button>
        </div>
      </form>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {digest && (
        <>
          <p data-testid="handoff-period">
            From {dateTime(digest.since)} to {dateTime(digest.until)}
          </p>
          <HandoffSection
            title="Emergency requests"
            empty="None in this period."
            requests={digest.requests}
          />
          <h2 class="handoff-needs">Needs a person</h2>
          <HandoffSection
            title="Failed"
            empty="No failure."
            requests={digest.needsPerson.failed}
            extra={(r) => r.failure && `could not ${r.failure.step}: ${r.failure.message}`}
          />
          <HandoffSection
            title="Waiting for a person"
            empty="Nothing waits."
            requests={digest.needsPerson.waiting}
          />
          <HandoffSection
            title="Licenses ending in the next 3 days"
            empty="None ends soon."
            requests={digest.needsPerson.endingSoon}
            extra={(r) => r.licenseEndsOn && `ends ${r.licenseEndsOn}`}
          />
        </>
      )}
    </>
  );
}

/** One list of the hand-off (also on the dashboard): a line per request, linked to it. */
export function HandoffSection(props: {
  title: string;
  empty: string;
  requests: HandoffRequest[];
  extra?: (request: HandoffRequest) => string | undefined;
}) {
  return (
    <section class="handoff-section" aria-label={props.title}>
      <h3>
        {props.title} ({props.requests.length})
      </h3>
      {props.requests.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <ul class="handoff-list">
          {props.requests.map((request) => {
            const extra = props.extra?.(request);
            return (
              <li key={request.id}>
                <a href={links.request(request.id)}>Ticket #{request.ticket.id}</a>{' '}
                <strong>{request.customer}</strong> · {request.seats} seats · by {request.requester}{' '}
                · <span class="handoff-state">{request.state}</span>
                {request.cover && <> · cover {request.cover}</>}
                {extra && <span class="muted"> · {extra}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
