/**
 * The built-in tracker's search takes `%` and `_` literally on both databases (SQLite's LIKE has
 * no escape character unless told, so an escaped `_` found nothing there).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixtureClock, graceEndedOn, screenshotBody } from '../support/requests.js';
import { eventually, startTestService, type TestService } from '../support/service.js';
import { testDatabases } from '../support/databases.js';

const expiredOn = graceEndedOn;

for (const database of testDatabases) {
  describe(`tracker search (${database.name})`, () => {
    let lifeline: TestService;
    before(async () => {
      lifeline = await startTestService({}, { database, clock: fixtureClock() });
      for (const email of ['under_score@one.example', 'underxscore@two.example']) {
        const answer = await lifeline.api('/api/v1/requests', {
          body: screenshotBody({ expiredOn }, { customerEmail: email }),
        });
        assert.equal(answer.status, 202);
      }
      await eventually(async () => {
        const { body } = await lifeline.api('/api/v1/tracker/issues');
        return body.items.length === 2 ? true : undefined;
      }, 20_000);
    });
    after(() => lifeline.stop());

    const titles = async (search: string) => {
      const { status, body } = await lifeline.api(
        `/api/v1/tracker/issues?search=${encodeURIComponent(search)}`,
      );
      assert.equal(status, 200);
      return (body.items as Array<{ title: string }>).map((issue) => issue.title);
    };

    it('finds an underscore as an underscore, not as any character', async () => {
      const found = await titles('under_score');
      assert.equal(found.length, 1);
      assert.match(found[0] ?? '', /under_score@one\.example/);
    });

    it('finds a percent sign and a backslash only where they are', async () => {
      // The descriptions say "10%" (the seat rule), never "%@": unescaped, it would find every address.
      assert.deepEqual(await titles('%@'), []);
      // Descriptions escape markdown (`score\@…`): a backslash matches only a backslash.
      assert.deepEqual(await titles('\\.'), []);
      assert.equal((await titles('score\\@')).length, 2);
      assert.equal((await titles('score@')).length, 2);
    });
  });
}
