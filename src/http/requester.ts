import type { Principal } from '../access/principal.js';
import type { Requester } from '../requests/submission.js';

/**
 * Who is recorded as asking. The sidebar app and the console know the engineer, and that wins
 * over anything in the body; an API token may act for an engineer named in `requestedBy`.
 */
export function requesterFor(principal: Principal, requestedBy: string | undefined): Requester {
  if (principal.kind === 'zendesk') return { name: principal.name, channel: 'zendesk' };
  if (principal.kind === 'session') return { name: principal.name, channel: 'console' };
  return { name: requestedBy ?? principal.name, channel: 'api' };
}
