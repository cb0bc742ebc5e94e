/**
 * The notice step through an incoming webhook, on both databases: Slack takes the first post
 * and its answer is lost (500), the job retries, and the second post — a webhook cannot look
 * for the first — says it may repeat the notice tried when the lost attempt ended. The notice
 * is delivered, not lost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSlackServer, type FakeSlack } from '../fakes/slack-server.js';
import { testDatabases } from '../support/databases.js';
import { fixtureClock, graceEndedOn, screenshotBody } from '../support/requests.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

const expiredOn = graceEndedOn;
const minute = (at: number) => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

for (const database of testDatabases) {
  describe(`a webhook notice whose answer was lost (${database.name})`, () => {
    let slack: FakeSlack;
    let lifeline: TestService;
    before(async () => {
      slack = await startSlackServer();
      lifeline = await startTestService(
        { SLACK_WEBHOOK_URL: slack.webhookUrl },
        { database, clock: fixtureClock() },
      );
    });
    after(async () => {
      await lifeline?.stop();
      await slack?.stop();
    });

    it('is posted again, saying it may repeat the one tried then', async () => {
      slack.takeAndFailNextWebhook(500);
      const submittedAt = Date.now();
      const created = await lifeline.api('/api/v1/requests', {
        body: screenshotBody({ expiredOn }, { customerEmail: 'it@webhook-lost.example' }),
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      const notice = await eventually(
        async () => {
          const { body } = await lifeline.api(`/api/v1/requests/${created.body.id}`);
          const delivery = (
            body.deliveries as Array<{ medium: string; state: string; attempts: number }>
          ).find((d) => d.medium === 'notice');
          return delivery?.state === 'delivered' ? delivery : undefined;
        },
        20_000,
        'the notice delivered',
      );
      assert.equal(notice.attempts, 2, 'one attempt whose answer was lost, then one more');
      const posted = slack.messages.filter((m) => m.via === 'webhook');
      assert.equal(posted.length, 2, 'a webhook cannot look: both are in the channel');
      const [first, second] = posted;
      assert.doesNotMatch(first?.text ?? '', /May repeat/);
      const said = /^\(May repeat the notice tried at (.+? UTC)\.\) /.exec(second?.text ?? '');
      assert.ok(said, second?.text);
      // When the lost attempt ended: between the submission and the delivery.
      const tried = said[1] ?? '';
      assert.ok(minute(submittedAt) <= tried && tried <= minute(Date.now()), tried);
      assert.equal(second?.text?.slice(said[0].length), first?.text);
      assert.match(
        JSON.stringify(second?.blocks),
        /Posted again: an attempt at about <!date\^\d+\^/,
      );
    });
  });
}
