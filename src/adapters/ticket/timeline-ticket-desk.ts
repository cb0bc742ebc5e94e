import type { RequestOutcome } from '../../ports/outcome.js';
import type { ReadinessCheck } from '../../ports/remote-failure.js';
import type { TicketDesk } from '../../ports/ticket-desk.js';

/**
 * The ticket desk when Zendesk is not configured: no note is added to the ticket; the pipeline
 * records the note in the request's timeline instead.
 */
export class TimelineTicketDesk implements TicketDesk {
  readonly name = 'timeline' as const;

  addInternalNote(_outcome: RequestOutcome): Promise<{ ref?: string; destination: string }> {
    return Promise.resolve({ destination: 'timeline only (Zendesk not configured)' });
  }

  check(): Promise<ReadinessCheck[]> {
    return Promise.resolve([
      {
        name: 'Zendesk note',
        ok: true,
        detail:
          'not configured (notes are recorded in the request timeline only); set ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN to add them to tickets',
      },
    ]);
  }
}

export function timelineTicketDesk(): TicketDesk {
  return new TimelineTicketDesk();
}
