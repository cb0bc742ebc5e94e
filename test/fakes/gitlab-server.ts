/**
 * A fake GitLab REST API v4 for tests: a real HTTP server on 127.0.0.1 speaking the documented
 * contract of the few endpoints Lifeline uses.
 *
 *   const gitlab = await startGitLabServer();          // options: FakeGitLabOptions
 *   gitlab.url                                         // give as GITLAB_URL
 *   gitlab.token, gitlab.project.id / .path            // GITLAB_TOKEN, GITLAB_PROJECT
 *   gitlab.issues                                      // FakeGitLabIssue[], in creation order; tests may push
 *   gitlab.requests                                    // every request (see RecordedRequest)
 *   gitlab.failNext(429, { retryAfter: 30 }, 2)        // script failures (see FailureScript)
 *   await gitlab.stop()
 *
 * Endpoints: GET /user, GET /personal_access_tokens/self, GET /projects/:id,
 * GET|POST /projects/:id/issues (search, in, state, labels, per_page, page, order_by, sort),
 * GET|PUT /projects/:id/issues/:iid (title, description, labels, add_labels, remove_labels,
 * confidential, state_event), GET|POST /projects/:id/issues/:iid/notes (body; newest first).
 * `:id` is the numeric id or the URL-encoded path.
 * Authentication: `PRIVATE-TOKEN: <token>` or `Authorization: Bearer <token>`; anything else
 * gets 401 `{"message":"401 Unauthorized"}`. Writes without the `api` scope get 403
 * `insufficient_scope`. Unknown project or issue: 404 `{"message":"404 Project Not Found"}` /
 * `{"message":"404 Issue Not Found"}`. A scripted 429 answers `Retry later` as text, like GitLab.
 */
import {
  bearerToken,
  startScriptedServer,
  type FailureScript,
  type FakeReply,
  type RecordedRequest,
} from './scripted-http-server.js';

export type { FailureScript, RecordedRequest } from './scripted-http-server.js';

export interface FakeGitLabIssue {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  confidential: boolean;
  labels: string[];
  web_url: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** The issue's comments (notes), oldest first. */
  notes: { id: number; body: string; created_at: string }[];
}

export interface FakeGitLabOptions {
  /** Default `glpat-fake-token-0123456789`. */
  token?: string;
  /** Default `['api']`; without `api`, writes get 403. */
  scopes?: string[];
  /** Default `{ id: 42, path: 'support/emergency-licenses' }`. */
  project?: { id: number; path: string };
  /** Default true. */
  issuesEnabled?: boolean;
  /** Default `lifeline-bot`. */
  username?: string;
}

export interface FakeGitLab {
  url: string;
  token: string;
  project: { id: number; path: string };
  issues: FakeGitLabIssue[];
  requests: RecordedRequest[];
  failNext(status: number, script?: FailureScript, times?: number): void;
  /** Answer every request `ms` later (the bench's slow remotes). */
  slowDown(ms: number): void;
  stop(): Promise<void>;
}

export async function startGitLabServer(options: FakeGitLabOptions = {}): Promise<FakeGitLab> {
  const token = options.token ?? 'glpat-fake-token-0123456789';
  const scopes = options.scopes ?? ['api'];
  const project = options.project ?? { id: 42, path: 'support/emergency-licenses' };
  const username = options.username ?? 'lifeline-bot';
  const issues: FakeGitLabIssue[] = [];
  let baseUrl = '';

  const handle = (request: RecordedRequest): FakeReply => {
    const given = firstHeader(request.headers['private-token']) ?? bearerToken(request.headers);
    if (given !== token) return { status: 401, json: { message: '401 Unauthorized' } };
    const segments = request.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] !== 'api' || segments[1] !== 'v4') return notFound('404 Not Found');
    const route = segments.slice(2);
    const writing = request.method !== 'GET';
    if (writing && !scopes.includes('api')) {
      return {
        status: 403,
        json: {
          error: 'insufficient_scope',
          error_description:
            'The request requires higher privileges than provided by the access token.',
          scope: 'api',
        },
      };
    }

    if (request.method === 'GET' && route.join('/') === 'user') {
      return ok({ id: 7, username, name: 'Lifeline Bot', state: 'active' });
    }
    if (request.method === 'GET' && route.join('/') === 'personal_access_tokens/self') {
      return ok({ id: 3, name: 'lifeline', revoked: false, active: true, scopes, user_id: 7 });
    }
    if (route[0] !== 'projects' || route[1] === undefined) return notFound('404 Not Found');
    if (route[1] !== String(project.id) && route[1] !== project.path) {
      return notFound('404 Project Not Found');
    }
    const rest = route.slice(2);
    if (rest.length === 0 && request.method === 'GET') {
      return ok({
        id: project.id,
        path_with_namespace: project.path,
        web_url: `${baseUrl}/${project.path}`,
        issues_enabled: options.issuesEnabled ?? true,
        archived: false,
      });
    }
    if (rest[0] !== 'issues') return notFound('404 Not Found');
    if (rest.length === 1 && request.method === 'GET') return listIssues(request.query);
    if (rest.length === 1 && request.method === 'POST') return createIssue(fields(request));
    const issue = issues.find((candidate) => String(candidate.iid) === rest[1]);
    if (!issue || rest.length < 2) return notFound('404 Issue Not Found');
    if (rest.length === 3 && rest[2] === 'notes') {
      if (request.method === 'GET') return ok([...issue.notes].reverse());
      if (request.method === 'POST') {
        const body = fields(request).body;
        if (typeof body !== 'string' || body.trim() === '') {
          return { status: 400, json: { message: { body: ["can't be blank"] } } };
        }
        const note = {
          id: 5000 + issue.notes.length + issue.iid * 100,
          body,
          created_at: new Date().toISOString(),
        };
        issue.notes.push(note);
        return { status: 201, json: note };
      }
    }
    if (rest.length !== 2) return notFound('404 Not Found');
    if (request.method === 'GET') return ok(issue);
    if (request.method === 'PUT') return updateIssue(issue, fields(request));
    return { status: 405, json: { message: '405 Method Not Allowed' } };
  };

  const listIssues = (query: URLSearchParams): FakeReply => {
    const search = query.get('search')?.toLowerCase();
    const within = (query.get('in') ?? 'title,description').split(',');
    const state = query.get('state') ?? 'all';
    const labels = query.get('labels')?.split(',').filter(Boolean) ?? [];
    let found = issues.filter((issue) => {
      if (state !== 'all' && issue.state !== state) return false;
      if (!labels.every((label) => issue.labels.includes(label))) return false;
      if (!search) return true;
      const haystack = [
        within.includes('title') ? issue.title : '',
        within.includes('description') ? (issue.description ?? '') : '',
      ]
        .join('\n')
        .toLowerCase();
      // GitLab's basic search: every whitespace-separated term must occur.
      return search.split(/\s+/).every((term) => haystack.includes(term));
    });
    found = [...found].sort((a, b) => a.id - b.id);
    if (query.get('sort') !== 'asc') found.reverse();
    const perPage = Math.min(Number(query.get('per_page') ?? 20), 100);
    const page = Number(query.get('page') ?? 1);
    const slice = found.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      json: slice,
      headers: {
        'X-Total': String(found.length),
        'X-Page': String(page),
        'X-Per-Page': String(perPage),
        'X-Next-Page': page * perPage < found.length ? String(page + 1) : '',
      },
    };
  };

  const createIssue = (body: Record<string, unknown>): FakeReply => {
    if (typeof body.title !== 'string' || body.title.trim() === '') {
      return { status: 400, json: { error: 'title is missing' } };
    }
    if (body.title.length > 255) {
      return {
        status: 400,
        json: { message: { title: ['is too long (maximum is 255 characters)'] } },
      };
    }
    const iid = issues.length === 0 ? 1 : Math.max(...issues.map((issue) => issue.iid)) + 1;
    const now = new Date().toISOString();
    const issue: FakeGitLabIssue = {
      id: 1000 + iid,
      iid,
      project_id: project.id,
      title: body.title,
      description: typeof body.description === 'string' ? body.description : null,
      state: 'opened',
      confidential: body.confidential === true || body.confidential === 'true',
      labels: labelList(body.labels),
      web_url: `${baseUrl}/${project.path}/-/issues/${iid}`,
      created_at: now,
      updated_at: now,
      closed_at: null,
      notes: [],
    };
    issues.push(issue);
    return { status: 201, json: issue };
  };

  const updateIssue = (issue: FakeGitLabIssue, body: Record<string, unknown>): FakeReply => {
    if (typeof body.title === 'string') issue.title = body.title;
    if (typeof body.description === 'string') issue.description = body.description;
    if (body.confidential !== undefined) {
      issue.confidential = body.confidential === true || body.confidential === 'true';
    }
    if (body.labels !== undefined) issue.labels = labelList(body.labels);
    for (const label of labelList(body.add_labels)) {
      if (!issue.labels.includes(label)) issue.labels.push(label);
    }
    const removed = labelList(body.remove_labels);
    issue.labels = issue.labels.filter((label) => !removed.includes(label));
    // Like GitLab, an event that does not apply to the current state is ignored.
    if (body.state_event === 'close' && issue.state === 'opened') {
      issue.state = 'closed';
      issue.closed_at = new Date().toISOString();
    }
    if (body.state_event === 'reopen' && issue.state === 'closed') {
      issue.state = 'opened';
      issue.closed_at = null;
    }
    issue.updated_at = new Date().toISOString();
    return ok(issue);
  };

  const server = await startScriptedServer(handle, (status) =>
    status === 429 ? 'Retry later\n' : { message: `${status} ${statusText(status)}` },
  );
  baseUrl = server.url;
  return { ...server, token, project, issues };
}

function ok(json: unknown): FakeReply {
  return { status: 200, json };
}

function notFound(message: string): FakeReply {
  return { status: 404, json: { message } };
}

function fields(request: RecordedRequest): Record<string, unknown> {
  return request.body && typeof request.body === 'object'
    ? (request.body as Record<string, unknown>)
    : {};
}

function labelList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((label) => label.trim())
    .filter(Boolean);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    422: 'Unprocessable Entity',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  return texts[status] ?? 'Error';
}
