import type { RequestOutcome } from '../../requests/outcome.js';
import type { ReadinessCheck } from '../delivery-error.js';

/**
 * The support desk holding the ticket (Zendesk). Adds an internal (never public) note with the
 * outcome and tags the ticket. Throws `DeliveryError`.
 */
export interface TicketDesk {
  readonly name: 'timeline' | 'zendesk';
  addInternalNote(outcome: RequestOutcome): Promise<{ ref?: string; destination: string }>;
  check(): Promise<ReadinessCheck[]>;
}
