import { LifelineApi } from '../shared/api.js';
import type { ZafClient } from './zaf.js';
import { zendeskTransport, type AppIdentity } from './zendesk-transport.js';

export interface SidebarContext extends AppIdentity {
  api: LifelineApi;
  ticketUrl: string;
  requesterEmail: string;
  requesterName: string;
  /** The app framework, for what the ticket holds (comments, attachments) and the reply. */
  client: ZafClient;
  /** The console page of a request, for a click from the sidebar. */
  requestLink: (id: string) => string;
  /**
   * The role the service gives the app's signed token: always engineer
   * (src/access/zendesk-app-token.ts), so approvers' controls stay in the console.
   */
  role: 'engineer';
}

/** Reads what the ticket already knows (ticket, requester, agent) and the app's settings. */
export async function loadSidebarContext(client: ZafClient): Promise<SidebarContext> {
  const [data, context, metadata] = await Promise.all([
    client.get(['ticket.id', 'ticket.requester.email', 'ticket.requester.name', 'currentUser']),
    client.context(),
    client.metadata(),
  ]);
  const rawUrl = metadata.settings.lifeline_url;
  if (typeof rawUrl !== 'string' || !/^https?:\/\//.test(rawUrl.trim())) {
    throw new Error(
      'The app’s “Lifeline URL” setting is missing: ask a Zendesk admin to set it in Admin Center › Apps › Lifeline.',
    );
  }
  const lifelineUrl = rawUrl.trim().replace(/\/+$/, '');
  const rawTicketId = data['ticket.id'] ?? context.ticketId;
  const ticketId =
    typeof rawTicketId === 'number' || typeof rawTicketId === 'string' ? String(rawTicketId) : '';
  if (!ticketId) throw new Error('No ticket is open: the app works in a ticket’s sidebar.');
  const user = (data.currentUser ?? {}) as { id?: unknown; email?: unknown; name?: unknown };
  if (typeof user.email !== 'string' || !user.email)
    throw new Error('Zendesk did not say who you are (current user email).');
  const accountUrl = `https://${context.account.subdomain}.zendesk.com`;
  const identity: AppIdentity = {
    lifelineUrl,
    accountUrl,
    agent: {
      id: typeof user.id === 'number' || typeof user.id === 'string' ? String(user.id) : '',
      email: user.email,
      name: typeof user.name === 'string' ? user.name : user.email,
    },
    ticketId,
  };
  return {
    ...identity,
    api: new LifelineApi(zendeskTransport(client, identity)),
    ticketUrl: `${accountUrl}/agent/tickets/${ticketId}`,
    requesterEmail:
      typeof data['ticket.requester.email'] === 'string' ? data['ticket.requester.email'] : '',
    requesterName:
      typeof data['ticket.requester.name'] === 'string' ? data['ticket.requester.name'] : '',
    client,
    requestLink: (id) => `${lifelineUrl}/#/requests/${encodeURIComponent(id)}`,
    role: 'engineer',
  };
}
