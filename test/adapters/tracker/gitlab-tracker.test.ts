import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GitLabTracker } from '../../../src/adapters/tracker/gitlab-tracker.js';
import type { GitLabSettings } from '../../../src/adapters/tracker/gitlab-settings.js';
import type { TrackerIssueDraft } from '../../../src/ports/tracker.js';
import { startGitLabServer, type FakeGitLab } from '../../fakes/gitlab-server.js';
import { rejection } from '../../support/rejection.js';

const REQUEST_ID = '0b9c5a52-6f5e-4f7e-9a55-2f3c1e0d7a11';
const MARKER = `<!-- lifeline-request-id: ${REQUEST_ID} -->`;

function draft(overrides: Partial<TrackerIssueDraft> = {}): TrackerIssueDraft {
  return {
    requestId: REQUEST_ID,
    title: 'Emergency license for jane@example.com (250 users)',
    description: 'Ticket: https://example.zendesk.com/agent/tickets/4711\n\nIn progress.',
    state: 'open',
    ...overrides,
  };
}

describe('GitLabTracker against the fake GitLab', () => {
  let gitlab: FakeGitLab;
  let settings: GitLabSettings;
  let tracker: GitLabTracker;

  before(async () => {
    gitlab = await startGitLabServer();
  });
  after(() => gitlab.stop());
  beforeEach(() => {
    gitlab.issues.length = 0;
    gitlab.requests.length = 0;
    settings = {
      url: gitlab.url,
      token: gitlab.token,
      project: gitlab.project.path,
      labels: ['emergency-license', 'weekend'],
    };
    tracker = new GitLabTracker(settings);
  });

  it('creates a confidential, labelled issue whose description ends with the request marker', async () => {
    const ref = await tracker.upsert(draft());

    assert.equal(gitlab.issues.length, 1);
    const issue = gitlab.issues[0]!;
    assert.equal(issue.confidential, true);
    assert.deepEqual(issue.labels, ['emergency-license', 'weekend']);
    assert.ok(issue.description?.trimEnd().endsWith(MARKER), issue.description ?? '');
    assert.ok(
      issue.description?.startsWith('Ticket: https://example.zendesk.com/agent/tickets/4711'),
    );
    assert.deepEqual(ref, {
      number: issue.iid,
      url: issue.web_url,
      title: 'Emergency license for jane@example.com (250 users)',
      state: 'open',
    });
    const create = gitlab.requests.find((request) => request.method === 'POST');
    // The project path is sent URL-encoded, as GitLab requires.
    assert.equal(create?.path, '/api/v4/projects/support%2Femergency-licenses/issues');
    assert.equal(create?.headers['private-token'], gitlab.token);
  });

  it('creates on a first attempt in one call, without looking for an earlier issue', async () => {
    const ref = await tracker.upsert(draft(), undefined, { firstAttempt: true });
    assert.equal(gitlab.issues.length, 1);
    assert.equal(ref.number, gitlab.issues[0]!.iid);
    assert.deepEqual(
      gitlab.requests.map((request) => request.method),
      ['POST'],
    );
  });

  it('still looks for an earlier issue when the caller does not know it is the first attempt', async () => {
    await tracker.upsert(draft());
    gitlab.requests.length = 0;
    await tracker.upsert(draft());
    assert.equal(gitlab.issues.length, 1);
    assert.deepEqual(
      gitlab.requests.map((request) => request.method),
      ['GET'],
    );
  });

  it('closes a known issue with one PUT carrying title, description and state_event', async () => {
    const first = await tracker.upsert(draft(), undefined, { firstAttempt: true });
    gitlab.requests.length = 0;
    const title = '[Success] - Created a license under jane@example.com for 250 users';
    await tracker.upsert(
      draft({ title, description: 'License attached.', state: 'closed' }),
      first,
    );
    assert.equal(gitlab.requests.length, 1);
    const [put] = gitlab.requests;
    assert.equal(put?.method, 'PUT');
    const body = put?.body as Record<string, unknown>;
    assert.equal(body.title, title);
    assert.equal(body.state_event, 'close');
    assert.ok(String(body.description).includes('License attached.'));
    assert.equal(gitlab.issues[0]?.state, 'closed');
  });

  it('creates a closed issue when the draft is already closed', async () => {
    const ref = await tracker.upsert(draft({ state: 'closed' }));
    assert.equal(ref.state, 'closed');
    assert.equal(gitlab.issues[0]?.state, 'closed');
  });

  it('updates the known issue: new title, closed, labels people added kept', async () => {
    const first = await tracker.upsert(draft());
    gitlab.issues[0]!.labels.push('triaged');

    const title = '[Success] - Created a license under jane@example.com for 250 users';
    const ref = await tracker.upsert(
      draft({ title, description: 'License attached.', state: 'closed' }),
      first,
    );

    assert.equal(gitlab.issues.length, 1);
    const issue = gitlab.issues[0]!;
    assert.equal(issue.state, 'closed');
    assert.equal(issue.title, title);
    assert.ok(issue.description?.includes('License attached.'));
    assert.ok(issue.description?.includes(MARKER));
    assert.ok(issue.labels.includes('triaged'));
    assert.deepEqual(ref, { number: first.number, url: first.url, title, state: 'closed' });
    const update = gitlab.requests.find((request) => request.method === 'PUT');
    assert.equal((update?.body as Record<string, unknown>).state_event, 'close');
  });

  it('finds the issue by its marker after a crash lost the recorded number: no second issue', async () => {
    // The first attempt created the issue, then the process died before saving the number.
    await tracker.upsert(draft());
    const ref = await tracker.upsert(
      draft({
        title: '[Success] - Created a license under jane@example.com for 250 users',
        state: 'closed',
      }),
    );

    assert.equal(gitlab.issues.length, 1);
    assert.equal(ref.number, gitlab.issues[0]!.iid);
    assert.equal(gitlab.issues[0]!.state, 'closed');
    const search = gitlab.requests.find(
      (request) => request.method === 'GET' && request.query.has('search'),
    );
    assert.equal(search?.query.get('search'), REQUEST_ID);
    assert.equal(search?.query.get('in'), 'description');
  });

  it('does not write when the found issue already matches the draft', async () => {
    await tracker.upsert(draft());
    const before = gitlab.requests.length;
    const ref = await tracker.upsert(draft());
    const writes = gitlab.requests.slice(before).filter((request) => request.method !== 'GET');
    assert.deepEqual(writes, []);
    assert.equal(ref.number, 1);
  });

  it('ignores issues that mention the request id without carrying its marker', async () => {
    gitlab.issues.push({
      id: 999,
      iid: 1,
      project_id: gitlab.project.id,
      title: 'Question about a request',
      description: `Why did request ${REQUEST_ID} take so long?`,
      state: 'opened',
      confidential: false,
      labels: [],
      web_url: `${gitlab.url}/x/-/issues/1`,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      closed_at: null,
      notes: [],
    });
    const ref = await tracker.upsert(draft());
    assert.equal(ref.number, 2);
    assert.equal(gitlab.issues.length, 2);
  });

  it('comments on an issue once per key, however often it is asked', async () => {
    const created = await tracker.upsert(draft());
    const first = await tracker.comment(created, { key: 'reminder-3d-L0', body: 'Ends soon.' });
    const again = await tracker.comment(created, { key: 'reminder-3d-L0', body: 'Ends soon.' });
    await tracker.comment(created, { key: 'lapsed-L0', body: 'Lapsed.' });
    const notes = gitlab.issues[0]?.notes ?? [];
    assert.equal(notes.length, 2);
    assert.equal(first.ref, again.ref);
    assert.match(
      notes[0]?.body ?? '',
      /^Ends soon\.\n\n<!-- lifeline-comment: reminder-3d-L0 -->$/,
    );
  });

  it('falls back to the marker when the recorded issue no longer exists', async () => {
    const created = await tracker.upsert(draft());
    const ref = await tracker.upsert(draft({ state: 'closed' }), { ...created, number: 77 });
    assert.equal(ref.number, created.number);
    assert.equal(gitlab.issues.length, 1);
    assert.equal(gitlab.issues[0]!.state, 'closed');
  });

  it('reopens an issue that should be open again', async () => {
    const closed = await tracker.upsert(draft({ state: 'closed' }));
    const ref = await tracker.upsert(draft({ state: 'open', title: 'Retrying' }), closed);
    assert.equal(ref.state, 'open');
    assert.equal(gitlab.issues[0]!.state, 'opened');
  });

  it('turns a 429 into a transient error carrying Retry-After', async () => {
    gitlab.failNext(429, { retryAfter: 42 });
    const error = await rejection(tracker.upsert(draft()));
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, 'GITLAB_RATE_LIMITED');
    assert.equal(error.retryAfterMs, 42_000);
    assert.match(error.remoteReply ?? '', /^HTTP 429: Retry later/);
    assert.equal(gitlab.issues.length, 0);
  });

  it('turns a 500 into a transient error', async () => {
    gitlab.failNext(500, { path: '/issues' });
    const error = await rejection(tracker.upsert(draft()));
    assert.equal(error.kind, 'transient');
    assert.equal(error.code, 'GITLAB_UNAVAILABLE');
    assert.equal(error.retryAfterMs, undefined);
  });

  it('turns a refused token into a configuration error naming GITLAB_TOKEN, never quoting it', async () => {
    const secret = 'glpat-wrong-secret-value-xyz';
    const error = await rejection(
      new GitLabTracker({ ...settings, token: secret }).upsert(draft()),
    );
    assert.equal(error.kind, 'configuration');
    assert.equal(error.code, 'GITLAB_UNAUTHORIZED');
    assert.match(error.message, /GitLab refused GITLAB_TOKEN \(401\)/);
    assert.match(error.message, /api scope/);
    assert.match(error.remoteReply ?? '', /401 Unauthorized/);
    const everything = JSON.stringify([error.message, error.remoteReply, error.code, error.stack]);
    assert.ok(!everything.includes(secret));
  });

  it('names GITLAB_PROJECT when the project does not exist', async () => {
    const error = await rejection(
      new GitLabTracker({ ...settings, project: 'support/nope' }).upsert(draft()),
    );
    assert.equal(error.kind, 'configuration');
    assert.equal(error.code, 'GITLAB_PROJECT_NOT_FOUND');
    assert.match(error.message, /GITLAB_PROJECT/);
  });

  it("reports a rejected issue as permanent with GitLab's reason", async () => {
    const error = await rejection(tracker.upsert(draft({ title: 'x'.repeat(300) })));
    assert.equal(error.kind, 'permanent');
    assert.equal(error.code, 'GITLAB_REJECTED');
    assert.match(error.message, /too long/);
  });

  it('check() reports the token, its scope, the project and issues as working', async () => {
    const rows = await tracker.check();
    assert.deepEqual(
      rows.map((row) => [row.name, row.ok]),
      [
        ['GitLab token', true],
        ['GitLab token scope', true],
        ['GitLab project', true],
        ['GitLab issues', true],
      ],
    );
    assert.match(rows[0]!.detail, /@lifeline-bot/);
    assert.match(rows[2]!.detail, /support\/emergency-licenses \(id 42\)/);
  });

  it('check() stops at a refused token with a fix naming GITLAB_TOKEN', async () => {
    const rows = await new GitLabTracker({ ...settings, token: 'glpat-nope-nope' }).check();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.ok, false);
    assert.match(rows[0]!.fix ?? '', /GITLAB_TOKEN/);
    assert.ok(!JSON.stringify(rows).includes('glpat-nope-nope'));
  });

  it('check() flags a project that cannot be found', async () => {
    const rows = await new GitLabTracker({ ...settings, project: '999' }).check();
    const project = rows.find((row) => row.name === 'GitLab project');
    assert.equal(project?.ok, false);
    assert.match(project?.fix ?? '', /GITLAB_PROJECT/);
  });
});

describe('GitLabTracker with a read-only token', () => {
  it('check() flags the missing api scope, and creating fails as configuration', async () => {
    const gitlab = await startGitLabServer({ scopes: ['read_api'] });
    try {
      const tracker = new GitLabTracker({
        url: gitlab.url,
        token: gitlab.token,
        project: String(gitlab.project.id),
        labels: ['emergency-license'],
      });
      const rows = await tracker.check();
      const scope = rows.find((row) => row.name === 'GitLab token scope');
      assert.equal(scope?.ok, false);
      assert.match(scope?.fix ?? '', /api scope/);

      const error = await rejection(tracker.upsert(draft()));
      assert.equal(error.kind, 'configuration');
      assert.equal(error.code, 'GITLAB_FORBIDDEN');
      assert.match(error.message, /GITLAB_TOKEN \(403\)/);
    } finally {
      await gitlab.stop();
    }
  });
});
