import { useEffect, useState } from 'preact/hooks';
import { CoverPanel } from '../shared/cover-panel.js';
import { useRequest } from '../shared/use-request.js';
import type { SidebarContext } from './sidebar-context.js';

/**
 * The cover of this ticket's request that still waits for the customer's renewal, first thing
 * in the sidebar: the agent who gets the renewed license on the ticket records it here, with
 * the same checks and sentences as the console.
 */
export function TicketCover({ context }: { context: SidebarContext }) {
  const [id, setId] = useState<string>();
  useEffect(() => {
    let current = true;
    context.api.listRequests({ ticket: context.ticketId, limit: 20 }).then(
      (page) => {
        const waiting = page.items.find(
          (item) => item.renewal?.state === 'pending' || item.renewal?.state === 'extended',
        );
        if (current && waiting) setId(waiting.id);
      },
      // The earlier requests' list says when requests cannot be read.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [context]);
  return id ? <TicketCoverOf context={context} id={id} /> : null;
}

function TicketCoverOf({ context, id }: { context: SidebarContext; id: string }) {
  const { request, reload } = useRequest(context.api, id);
  if (!request?.renewal) return null;
  return <CoverPanel api={context.api} request={request} reload={reload} role={context.role} />;
}
