/**
 * The hand-off digest on both databases, on fixed times: the period's requests, what needs a
 * person, and text made safe for Slack mrkdwn and for email.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseSince, type HandoffDigest } from '../../src/handoff/handoff-digest.js';
import { buildHandoffDigest } from '../../src/handoff/handoff-query.js';
import {
  renderHandoffEmail,
  renderHandoffNotice,
  renderHandoffText,
} from '../../src/handoff/handoff-text.js';
import { calendarDate } from '../../src/license/calendar-date.js';
import { testDatabases } from '../support/databases.js';
import { openJobDatabase, type JobDatabase } from '../jobs/job-store.js';
import { addWeekend } from './handoff-fixtures.js';

const monday = Date.parse('2026-11-30T08:00:00Z');
const lastMonday = Date.parse('2026-11-23T08:00:00Z');

for (const database of testDatabases) {
  describe(`the hand-off digest (${database.name})`, () => {
    let db: JobDatabase;
    let ids: Awaited<ReturnType<typeof addWeekend>>;
    let digest: HandoffDigest;

    before(async () => {
      db = await openJobDatabase(database);
      ids = await addWeekend(db.store);
      digest = await buildHandoffDigest(db.store.db, {
        since: lastMonday,
        now: monday,
        today: calendarDate('2026-11-30'),
      });
    });
    after(() => db.close());

    it('lists every request since the last digest, in order, with its facts', () => {
      assert.equal(digest.since, '2026-11-23T08:00:00.000Z');
      assert.equal(digest.until, '2026-11-30T08:00:00.000Z');
      assert.deepEqual(
        digest.requests.map((r) => r.id),
        [ids.issued, ids.failed, ids.waiting, ids.rejected],
      );
      const issued = digest.requests[0];
      assert.deepEqual(
        {
          customer: issued?.customer,
          seats: issued?.seats,
          requester: issued?.requester,
          state: issued?.state,
          ticket: issued?.ticket.id,
        },
        {
          customer: 'Acme <script>alert(1)</script> & Co',
          seats: 480,
          requester: 'jane',
          state: 'succeeded',
          ticket: '1001',
        },
      );
    });

    it('says what needs a person: failures, waiting states, licenses ending within 3 days', () => {
      assert.deepEqual(
        digest.needsPerson.failed.map((r) => [r.id, r.failure?.step]),
        [[ids.failed, 'send_email']],
      );
      // A state the service may add later (an approval) counts as waiting without being named.
      assert.deepEqual(
        digest.needsPerson.waiting.map((r) => [r.id, r.state]),
        [[ids.waiting, 'awaiting_approval']],
      );
      // Ends 2 December (from last week); Acme's ends on the 8th, beyond the 3 days.
      assert.deepEqual(
        digest.needsPerson.endingSoon.map((r) => [r.id, r.licenseEndsOn]),
        [[ids.endingSoon, '2026-12-02']],
      );
    });

    it('escapes request text for Slack mrkdwn, and keeps links to http(s) tickets only', () => {
      const notice = renderHandoffNotice(digest);
      assert.ok(!notice.text.includes('<script>'));
      assert.match(notice.text, /Acme &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; Co/);
      assert.match(notice.text, /<https:\/\/support\.example\.com\/agent\/tickets\/1001\|#1001>/);
      assert.match(notice.text, /refused &lt;admin@globex\.example&gt;/);
      assert.match(notice.text, /\*Failed \(1\)\*/);
      assert.match(notice.summary, /4 requests, 1 failed, 1 waiting, 1 ending soon/);
    });

    it('escapes it for email HTML, and keeps the plain text readable', () => {
      const mail = renderHandoffEmail(digest, {
        from: 'lifeline@vendor.example',
        to: 'licensing@vendor.example',
        messageIdDomain: 'vendor.example',
        key: '20261130T080000000Z',
      });
      assert.ok(!mail.html.includes('<script>'));
      assert.match(mail.html, /Acme &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; Co/);
      assert.match(
        mail.subject,
        /^Lifeline hand-off: 2026-11-23 08:00 UTC to 2026-11-30 08:00 UTC$/,
      );
      const text = renderHandoffText(digest);
      assert.match(
        text,
        /ticket #1002 Globex · 250 seats · by sam · failed · could not send_email/,
      );
      // The running license's seats, and its end said as everywhere else.
      assert.match(
        text,
        /ticket #800 Ending Soon GmbH · 60 seats .* works through 2026-12-01 \(expires 2026-12-02\)/,
      );
    });
  });
}

describe('hand-off periods', () => {
  const now = Date.parse('2026-11-30T08:00:00Z');
  it('reads durations and dates, and refuses the future and nonsense', () => {
    assert.equal(parseSince('3d', now), Date.parse('2026-11-27T08:00:00Z'));
    assert.equal(parseSince('12h', now), Date.parse('2026-11-29T20:00:00Z'));
    assert.equal(parseSince('2026-11-23', now), Date.parse('2026-11-23T00:00:00Z'));
    assert.equal(parseSince('2027-01-01', now), undefined);
    assert.equal(parseSince('soon', now), undefined);
  });
});
