/**
 * POST → everything delivered with the four remote systems made slow in their fakes (SMTP
 * 300 ms, GitLab 400 ms, Slack 200 ms, Zendesk 300 ms per answer): the median over requests
 * sent one at a time, each timed from the POST to its last job's end (the service's rows).
 * Steps that do not depend on each other running at once is what brings this near the slowest.
 */
import { clockOnDay } from '../src/clock.js';
import { calendarDate } from '../src/license/index.js';
import { fakeRemotesEnv, startFakeRemotes } from '../test/fakes/remote-env.js';
import { fixtureDay, screenshotBody } from '../test/support/requests.js';
import { startTestService } from '../test/support/service.js';
import { median, waitUntilSettled } from './request-settled.js';

export const slowRemotesMs = { smtp: 300, gitlab: 400, slack: 200, zendesk: 300 };

export async function benchSlowRemotes(
  options: { requests?: number } = {},
): Promise<{ slowRemotesP50Ms: number }> {
  const requests = options.requests ?? 7;
  const remotes = await startFakeRemotes();
  const { smtp, gitlab, slack, zendesk } = remotes;
  smtp.slowDown(slowRemotesMs.smtp);
  gitlab.slowDown(slowRemotesMs.gitlab);
  slack.slowDown(slowRemotesMs.slack);
  zendesk.slowDown(slowRemotesMs.zendesk);
  const lifeline = await startTestService(
    {
      ...fakeRemotesEnv(remotes),
      LIFELINE_PUBLIC_URL: 'https://lifeline.vendor.example',
      LIFELINE_JOB_POLL_MS: '1000',
    },
    { clock: clockOnDay(calendarDate(fixtureDay)) },
  );
  try {
    const times: number[] = [];
    for (let i = 0; i < requests; i += 1) {
      const ticket = 7000 + i;
      const body = screenshotBody(
        {},
        {
          customerEmail: `ops@slow-remotes-${i}.example`,
          userCount: 100,
          ticket: { id: String(ticket), url: `${zendesk.url}/agent/tickets/${ticket}` },
        },
      );
      // The evidence check reads the ticket's screenshots when Zendesk is configured.
      const png = Buffer.from('89504e470d0a1a0a', 'hex');
      zendesk.attach(ticket, [
        { fileName: 'dashboard.png', contentType: 'image/png', content: png },
        { fileName: 'subscription.png', contentType: 'image/png', content: png },
      ]);
      const postedAt = Date.now();
      const created = await lifeline.api('/api/v1/requests', { body });
      if (created.status !== 202 || (created.body as { state: string }).state !== 'queued')
        throw new Error(`POST answered ${created.status}: ${JSON.stringify(created.body)}`);
      const id = (created.body as { id: string }).id;
      const settled = await waitUntilSettled(lifeline.service.store, [id]);
      times.push((settled.get(id) ?? postedAt) - postedAt);
    }
    return { slowRemotesP50Ms: Math.round(median(times)) };
  } finally {
    await lifeline.stop();
    await remotes.stop();
  }
}
