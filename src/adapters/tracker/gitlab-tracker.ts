/**
 * Request issues in a GitLab project, through the REST API v4 and our outbound fetch wrapper
 * (plain fetch rather than @gitbeaker: it retries 429 at once and ignores Retry-After).
 *
 * Issues are confidential, since a successful request's issue holds a copy of the license.
 * Every description ends with a hidden marker carrying the request id; `upsert` looks for it
 * before creating, so a crash after "created" but before "number recorded" never opens a
 * second issue.
 */
import { z } from 'zod';
import { RemoteFailure, type ReadinessCheck } from '../../ports/remote-failure.js';
import { fetchJson, type OutboundRequest } from '../http/outbound-fetch.js';
import type { NotFoundMeaning } from '../http/classify-http-failure.js';
import type { RemoteService } from '../http/remote-service.js';
import type { GitLabSettings } from './gitlab-settings.js';
import { hasRequestMarker, withRequestMarker } from './request-marker.js';
import type {
  Tracker,
  TrackerComment,
  TrackerIssueDraft,
  TrackerIssueRef,
  UpsertOptions,
} from '../../ports/tracker.js';

const issueReply = z.object({
  // Kept in a 32-bit integer column: a reply beyond it is a broken reply, not a number to store.
  iid: z.number().int().min(1).max(2_147_483_647),
  title: z.string(),
  description: z.string().nullable(),
  /** `opened` or `closed` (`locked` exists for merge requests only). */
  state: z.string(),
  web_url: z.string(),
});
type GitLabIssue = z.output<typeof issueReply>;

const noteReply = z.object({ id: z.number(), body: z.string() });

/** The hidden line that makes a comment findable by its key (HTML comments do not render). */
const commentMarker = (key: string) => `<!-- lifeline-comment: ${key.replace(/[^\w.:-]/g, '')} -->`;

const userReply = z.object({ id: z.number(), username: z.string() });
const tokenReply = z.object({ name: z.string(), scopes: z.array(z.string()) });
const projectReply = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  issues_enabled: z.boolean().optional(),
  archived: z.boolean().optional(),
});

/** Search hits looked at when finding a request's issue; a request id matches one or two. */
const SEARCH_PAGE_SIZE = 100;

export interface GitLabTrackerOptions {
  /** Per-call timeout in ms (default 15 s); tests shorten it. */
  timeoutMs?: number;
}

export class GitLabTracker implements Tracker {
  readonly name = 'gitlab' as const;
  private readonly service: RemoteService;
  private readonly api: string;
  private readonly projectPath: string;

  constructor(
    private readonly settings: GitLabSettings,
    private readonly options: GitLabTrackerOptions = {},
  ) {
    this.api = `${settings.url}/api/v4`;
    this.projectPath = `/projects/${encodeURIComponent(settings.project)}`;
    this.service = {
      name: 'GitLab',
      codePrefix: 'GITLAB',
      urlSetting: 'GITLAB_URL',
      credentialSetting: 'GITLAB_TOKEN',
      unauthorizedHint: 'check the token is valid, not expired or revoked, and has the api scope',
      forbiddenHint:
        'check the token has the api scope, its user may create issues in GITLAB_PROJECT, and issues are enabled there',
      secrets: [settings.token],
    };
  }

  async upsert(
    draft: TrackerIssueDraft,
    known?: TrackerIssueRef,
    options: UpsertOptions = {},
  ): Promise<TrackerIssueRef> {
    const description = withRequestMarker(draft.description, draft.requestId);
    if (known) {
      try {
        const updated = await this.update(known.number, draft, description, known.state);
        return await this.settle(updated, draft);
      } catch (error) {
        // The recorded issue was deleted (or moved away): fall back to finding or creating one.
        if (!(error instanceof RemoteFailure) || error.code !== 'GITLAB_ISSUE_NOT_FOUND')
          throw error;
      }
    }
    // A recorded issue that vanished, or an attempt before this one, may have left an issue to find.
    const existing =
      options.firstAttempt && !known ? undefined : await this.findByMarker(draft.requestId);
    if (existing) {
      if (matches(existing, draft, description)) return toRef(existing);
      const updated = await this.update(existing.iid, draft, description, stateOf(existing));
      return await this.settle(updated, draft);
    }
    const created = await this.call(
      {
        method: 'POST',
        url: this.url(`${this.projectPath}/issues`),
        json: {
          title: draft.title,
          description,
          labels: this.settings.labels.join(','),
          confidential: true,
        },
        action: 'creating the tracker issue',
        notFound: this.projectNotFound,
      },
      issueReply,
    );
    // GitLab cannot create a closed issue; a crash before this close is healed by the next
    // upsert, which finds the issue by its marker.
    return await this.settle(created, draft);
  }

  async comment(issue: TrackerIssueRef, comment: TrackerComment): Promise<{ ref: string }> {
    const marker = commentMarker(comment.key);
    const notesPath = `${this.projectPath}/issues/${issue.number}/notes`;
    const notFound = (): NotFoundMeaning => ({
      kind: 'permanent',
      code: 'GITLAB_ISSUE_NOT_FOUND',
      message: `GitLab issue #${issue.number} no longer exists in ${this.settings.project}`,
    });
    const listUrl = this.url(notesPath);
    listUrl.searchParams.set('per_page', '100');
    listUrl.searchParams.set('sort', 'desc');
    const existing = await this.call(
      { method: 'GET', url: listUrl, action: `reading the comments of #${issue.number}`, notFound },
      z.array(noteReply),
    );
    const found = existing.find((note) => note.body.includes(marker));
    if (found) return { ref: `#${issue.number} note ${found.id}` };
    const created = await this.call(
      {
        method: 'POST',
        url: this.url(notesPath),
        json: { body: `${comment.body}\n\n${marker}` },
        action: `commenting on tracker issue #${issue.number}`,
        notFound,
      },
      noteReply,
    );
    return { ref: `#${issue.number} note ${created.id}` };
  }

  async check(): Promise<ReadinessCheck[]> {
    const rows: ReadinessCheck[] = [];
    const user = await this.attempt(() =>
      this.call({ method: 'GET', url: this.url('/user'), action: 'checking the token' }, userReply),
    );
    rows.push(
      'error' in user
        ? failedRow(
            'GitLab token',
            user.error,
            'Set GITLAB_TOKEN to an access token with the api scope',
          )
        : {
            name: 'GitLab token',
            ok: true,
            detail: `GITLAB_TOKEN acts as @${user.value.username}`,
          },
    );
    // Nothing further can work without a token GitLab accepts or a GitLab that answers.
    if ('error' in user) return rows;

    const token = await this.attempt(() =>
      this.call(
        {
          method: 'GET',
          url: this.url('/personal_access_tokens/self'),
          action: "reading the token's scopes",
        },
        tokenReply,
      ),
    );
    if ('value' in token) {
      const hasApi = token.value.scopes.includes('api');
      rows.push({
        name: 'GitLab token scope',
        ok: hasApi,
        detail: `token "${token.value.name}" has scopes ${token.value.scopes.join(', ') || '(none)'}`,
        ...(hasApi
          ? {}
          : { fix: 'Give GITLAB_TOKEN the api scope (read_api cannot create issues)' }),
      });
    } else {
      // Older GitLab (before 15.5) has no such endpoint; creating an issue will tell.
      rows.push({
        name: 'GitLab token scope',
        ok: true,
        detail: `not verified (${token.error.message})`,
      });
    }

    const project = await this.attempt(() =>
      this.call(
        {
          method: 'GET',
          url: this.url(this.projectPath),
          action: 'reading the project',
          notFound: this.projectNotFound,
        },
        projectReply,
      ),
    );
    if ('error' in project) {
      rows.push(
        failedRow(
          'GitLab project',
          project.error,
          'Set GITLAB_PROJECT to a project the token can see',
        ),
      );
      return rows;
    }
    rows.push({
      name: 'GitLab project',
      ok: true,
      detail: `${project.value.path_with_namespace} (id ${project.value.id})`,
    });
    const issuesOn = project.value.issues_enabled !== false && project.value.archived !== true;
    rows.push({
      name: 'GitLab issues',
      ok: issuesOn,
      detail: issuesOn
        ? `issues can be created in ${project.value.path_with_namespace} with labels ${this.settings.labels.join(', ')}`
        : `${project.value.path_with_namespace} is archived or has issues turned off`,
      ...(issuesOn
        ? {}
        : {
            fix: 'Turn issues on in the project (Settings › General › Visibility) or change GITLAB_PROJECT',
          }),
    });
    return rows;
  }

  private async update(
    iid: number,
    draft: TrackerIssueDraft,
    description: string,
    currentState: 'open' | 'closed',
  ): Promise<GitLabIssue> {
    return await this.call(
      {
        method: 'PUT',
        url: this.url(`${this.projectPath}/issues/${iid}`),
        json: {
          title: draft.title,
          description,
          // Re-asserted: the description holds the license. add_labels keeps labels people added.
          confidential: true,
          add_labels: this.settings.labels.join(','),
          ...stateEvent(currentState, draft.state),
        },
        action: `updating tracker issue #${iid}`,
        notFound: (body) =>
          /project/i.test(body)
            ? this.projectNotFound()
            : {
                kind: 'permanent',
                code: 'GITLAB_ISSUE_NOT_FOUND',
                message: `GitLab issue #${iid} no longer exists in ${this.settings.project}`,
              },
      },
      issueReply,
    );
  }

  /** Closes or reopens when GitLab's state still differs from the draft (someone changed it by hand). */
  private async settle(issue: GitLabIssue, draft: TrackerIssueDraft): Promise<TrackerIssueRef> {
    if (stateOf(issue) === draft.state) return toRef(issue);
    const settled = await this.call(
      {
        method: 'PUT',
        url: this.url(`${this.projectPath}/issues/${issue.iid}`),
        json: stateEvent(stateOf(issue), draft.state),
        action: `${draft.state === 'closed' ? 'closing' : 'reopening'} tracker issue #${issue.iid}`,
        notFound: this.projectNotFound,
      },
      issueReply,
    );
    return toRef(settled);
  }

  private async findByMarker(requestId: string): Promise<GitLabIssue | undefined> {
    const url = this.url(`${this.projectPath}/issues`);
    url.searchParams.set('search', requestId);
    url.searchParams.set('in', 'description');
    url.searchParams.set('per_page', String(SEARCH_PAGE_SIZE));
    url.searchParams.set('order_by', 'created_at');
    url.searchParams.set('sort', 'asc');
    const hits = await this.call(
      {
        method: 'GET',
        url,
        action: "looking for the request's tracker issue",
        notFound: this.projectNotFound,
      },
      z.array(issueReply),
    );
    // The search is a substring match on words; the marker check is exact. Oldest first, so a
    // duplicate made by hand never displaces the original.
    return hits
      .filter((issue) => hasRequestMarker(issue.description, requestId))
      .sort((a, b) => a.iid - b.iid)[0];
  }

  private readonly projectNotFound = (): NotFoundMeaning => ({
    kind: 'configuration',
    code: 'GITLAB_PROJECT_NOT_FOUND',
    message: `GitLab project "${this.settings.project}" was not found, or GITLAB_TOKEN cannot see it (404): check GITLAB_PROJECT and that the token's user is a member of the project`,
  });

  private async call<Schema extends z.ZodType>(
    request: Omit<OutboundRequest, 'headers' | 'timeoutMs'>,
    schema: Schema,
  ): Promise<z.output<Schema>> {
    return await fetchJson(
      {
        ...request,
        headers: { 'PRIVATE-TOKEN': this.settings.token },
        timeoutMs: this.options.timeoutMs,
      },
      this.service,
      schema,
    );
  }

  private async attempt<T>(
    run: () => Promise<T>,
  ): Promise<{ value: T } | { error: RemoteFailure }> {
    try {
      return { value: await run() };
    } catch (error) {
      if (error instanceof RemoteFailure) return { error };
      throw error;
    }
  }

  private url(path: string): URL {
    return new URL(`${this.api}${path}`);
  }
}

function stateOf(issue: GitLabIssue): 'open' | 'closed' {
  return issue.state === 'closed' ? 'closed' : 'open';
}

function stateEvent(
  current: 'open' | 'closed',
  wanted: 'open' | 'closed',
): { state_event?: 'close' | 'reopen' } {
  if (current === wanted) return {};
  return { state_event: wanted === 'closed' ? 'close' : 'reopen' };
}

function matches(issue: GitLabIssue, draft: TrackerIssueDraft, description: string): boolean {
  return (
    issue.title === draft.title &&
    (issue.description ?? '').trimEnd() === description.trimEnd() &&
    stateOf(issue) === draft.state
  );
}

function toRef(issue: GitLabIssue): TrackerIssueRef {
  return { number: issue.iid, url: issue.web_url, title: issue.title, state: stateOf(issue) };
}

function failedRow(name: string, error: RemoteFailure, configurationFix: string): ReadinessCheck {
  return {
    name,
    ok: false,
    detail: error.message,
    fix:
      error.kind === 'configuration'
        ? configurationFix
        : 'GitLab did not answer properly: check GITLAB_URL, or try again later',
  };
}
