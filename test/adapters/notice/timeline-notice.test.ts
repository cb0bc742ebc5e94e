import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timelineNotice } from '../../../src/adapters/notice/timeline-notice.js';
import { issuedOutcome } from './sample-outcomes.js';

describe('timelineNotice', () => {
  it('posts nowhere outside Lifeline and says so', async () => {
    const notice = timelineNotice();
    assert.equal(notice.name, 'timeline');
    assert.deepEqual(await notice.post(issuedOutcome), {
      destination: 'timeline only (Slack not configured)',
    });
    const rows = await notice.check();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.ok, true);
    assert.match(
      rows[0]?.detail ?? '',
      /^not configured \(notices are recorded in the request timeline only\)/,
    );
  });
});
