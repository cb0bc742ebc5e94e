/**
 * A batch's one notice, when Slack took it but its answer was lost (a 503 after the post): the
 * finishing job is tried again, reads the channel back for the message keyed by the batch, and
 * finds it instead of posting a second summary. Both databases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clockOnDay } from '../../src/clock.js';
import { calendarDate } from '../../src/license/index.js';
import { fakeRemotesEnv } from '../fakes/remote-env.js';
import { startSlackServer, type FakeSlack } from '../fakes/slack-server.js';
import { testDatabases } from '../support/databases.js';
import { fixtureDay } from '../support/requests.js';
import { startTestService, type TestService } from '../support/service.js';
import { batchCsv, batchFinished } from './batch-support.js';

for (const database of testDatabases) {
  describe(`a batch's notice after a lost answer (${database.name})`, { timeout: 120_000 }, () => {
    let lifeline: TestService;
    let slack: FakeSlack;
    before(async () => {
      slack = await startSlackServer();
      lifeline = await startTestService(
        // By id: the channel's history can be read back only by id.
        fakeRemotesEnv({ slack }, { slackChannel: 'C0LIFELINE1' }),
        { database, clock: clockOnDay(calendarDate(fixtureDay)) },
      );
    });
    after(async () => {
      await lifeline.stop();
      await slack.stop();
    });

    it('posts the summary once: the retry finds the message the lost attempt posted', async () => {
      // The batch's rows post no notices of their own: the next post is the batch's summary.
      slack.takeAndFailNext(503);
      const started = await lifeline.api('/api/v1/batches', {
        token: lifeline.tokens.approver,
        body: { format: 'csv', content: batchCsv(2, 'lost.example'), reason: 'outage' },
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const id = started.body.id as string;
      await batchFinished(lifeline, id);
      const summaries = slack.messages.filter(
        (message) =>
          (message.fields.metadata as { event_payload?: { key?: string } } | undefined)
            ?.event_payload?.key === `batch:${id}`,
      );
      assert.equal(summaries.length, 1, 'one summary in the channel');
      assert.equal(slack.messages.length, 1, 'and nothing else');
      assert.ok(
        slack.requests.some((request) => request.path === '/api/conversations.history'),
        'the retry read the channel back',
      );
      const batch = await lifeline.service.store.db
        .selectFrom('batches')
        .select('notice_posted_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.notEqual(batch.notice_posted_at, null);
    });
  });
}
