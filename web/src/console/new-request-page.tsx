import { useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { SubmitAnswer } from '../shared/api-types.js';
import { RequestForm } from '../shared/request-form.js';
import { PageTitle } from './page-title.js';
import { links } from './router.js';

/** The same form as the Zendesk sidebar, for engineers without Zendesk: the ticket is typed in. */
export function NewRequestPage({ api }: { api: LifelineApi }) {
  const [rejected, setRejected] = useState<SubmitAnswer>();
  const [formKey, setFormKey] = useState(0);

  const submitted = (answer: SubmitAnswer & { accepted: boolean }) => {
    if (answer.accepted) {
      location.hash = links.request(answer.id);
    } else {
      setRejected(answer);
    }
  };

  return (
    <>
      <PageTitle>New emergency request</PageTitle>
      {rejected && (
        <div class="notice notice-bad" role="alert">
          <p>
            <strong>Not eligible: nothing was issued.</strong> {rejected.decision.summary}
          </p>
          <p>
            The request is recorded: <a href={links.request(rejected.id)}>open it</a>, or{' '}
            <button
              type="button"
              class="link-button"
              onClick={() => (setRejected(undefined), setFormKey((key) => key + 1))}
            >
              start a new request
            </button>
            .
          </p>
        </div>
      )}
      <RequestForm
        key={formKey}
        api={api}
        onSubmitted={submitted}
        requestLink={links.request}
        idPrefix="new"
      />
    </>
  );
}
