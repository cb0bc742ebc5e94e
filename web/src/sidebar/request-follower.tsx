import { CoverPanel } from '../shared/cover-panel.js';
import { DecisionView } from '../shared/decision-view.js';
import { FailureNotice, RequestHeadline, Timeline } from '../shared/request-outcome.js';
import { useRequest } from '../shared/use-request.js';
import type { SidebarContext } from './sidebar-context.js';

/** Follows one request to its outcome, reading it again until it settles. */
export function RequestFollower({
  context,
  id,
  justSent,
  onBack,
}: {
  context: SidebarContext;
  id: string;
  justSent: boolean;
  onBack: () => void;
}) {
  const { request, error, reload } = useRequest(context.api, id);
  return (
    <section class="follower" aria-labelledby="follower-heading">
      <h2 id="follower-heading">{justSent ? 'Request sent' : 'Earlier request'}</h2>
      <div aria-live="polite">
        {!request && !error && <p class="muted">Loading…</p>}
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        {request && (
          <>
            <RequestHeadline request={request} />
            {request.state === 'failed' && request.failure && (
              <FailureNotice failure={request.failure} />
            )}
          </>
        )}
      </div>
      {request && (
        <>
          {request.renewal && (
            <CoverPanel api={context.api} request={request} reload={reload} role={context.role} />
          )}
          {request.state === 'rejected' && request.decision && (
            <DecisionView decision={request.decision} requestLink={context.requestLink} />
          )}
          <details open={request.state !== 'rejected'}>
            <summary>Timeline</summary>
            <Timeline events={request.timeline} />
          </details>
          <p>
            <a href={context.requestLink(request.id)} target="_blank" rel="noopener">
              Open in the Lifeline console
            </a>
          </p>
        </>
      )}
      <button type="button" onClick={onBack}>
        {justSent ? 'Start another request' : 'Back to the form'}
      </button>
    </section>
  );
}
