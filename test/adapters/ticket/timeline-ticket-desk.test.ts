import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timelineTicketDesk } from '../../../src/adapters/ticket/timeline-ticket-desk.js';
import { issuedOutcome } from '../notice/sample-outcomes.js';

describe('timelineTicketDesk', () => {
  it('adds no note outside Lifeline and says so', async () => {
    const desk = timelineTicketDesk();
    assert.equal(desk.name, 'timeline');
    assert.deepEqual(await desk.addInternalNote(issuedOutcome), {
      destination: 'timeline only (Zendesk not configured)',
    });
    const rows = await desk.check();
    assert.equal(rows[0]?.ok, true);
    assert.match(
      rows[0]?.detail ?? '',
      /^not configured \(notes are recorded in the request timeline only\)/,
    );
  });
});
