import { useState } from 'preact/hooks';
import type { SubmitAnswer } from '../shared/api-types.js';
import type { RequestFormValues } from '../shared/form-state.js';
import { RequestForm } from '../shared/request-form.js';
import { EarlierRequests } from './earlier-requests.js';
import { RequestFollower } from './request-follower.js';
import type { SidebarContext } from './sidebar-context.js';
import { TicketCover } from './ticket-cover.js';
import { TicketEvidencePanel } from './ticket-evidence.js';

type View = { view: 'form' } | { view: 'following'; id: string; justSent: boolean };

/** The ticket sidebar: earlier requests for this ticket and customer, the form, and the request's progress. */
export function SidebarApp({ context }: { context: SidebarContext }) {
  const [view, setView] = useState<View>({ view: 'form' });
  const [formKey, setFormKey] = useState(0);
  const [listKey, setListKey] = useState(0);
  const [fromTicket, setFromTicket] = useState<Partial<RequestFormValues>>({});
  const onEvidence = (found: { licenseFile?: string; screenshotsFound: boolean }) =>
    setFromTicket((current) => ({
      ...current,
      screenshotsAttached: found.screenshotsFound,
      ...(found.licenseFile !== undefined && {
        evidenceKind: 'licenseFile' as const,
        licenseFile: found.licenseFile,
      }),
    }));

  const submitted = (answer: SubmitAnswer) => {
    setListKey((key) => key + 1);
    setView({ view: 'following', id: answer.id, justSent: true });
  };

  return (
    <main class="sidebar">
      <h1 class="sidebar-title">
        <span class="brand-mark" aria-hidden="true" />
        Emergency license
      </h1>
      {view.view === 'following' ? (
        <RequestFollower
          context={context}
          id={view.id}
          justSent={view.justSent}
          onBack={() => {
            setFormKey((key) => key + 1);
            setView({ view: 'form' });
          }}
        />
      ) : (
        <>
          <TicketCover key={listKey} context={context} />
          <EarlierRequests
            key={listKey}
            context={context}
            onOpen={(id) => setView({ view: 'following', id, justSent: false })}
          />
          <TicketEvidencePanel
            client={context.client}
            customerName={context.requesterName}
            onEvidence={onEvidence}
          />
          <RequestForm
            key={formKey}
            api={context.api}
            ticketFixed
            requestedBy={context.agent.email}
            initial={{
              ...fromTicket,
              ticketId: context.ticketId,
              ticketUrl: context.ticketUrl,
              customerEmail: context.requesterEmail,
            }}
            requestLink={context.requestLink}
            onSubmitted={submitted}
            idPrefix="zd"
          />
        </>
      )}
    </main>
  );
}

export function SidebarProblem({ message }: { message: string }) {
  return (
    <main class="sidebar">
      <h1 class="sidebar-title">
        <span class="brand-mark" aria-hidden="true" />
        Emergency license
      </h1>
      <p class="field-error" role="alert">
        {message}
      </p>
    </main>
  );
}
