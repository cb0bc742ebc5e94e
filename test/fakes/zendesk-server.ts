/**
 * A fake Zendesk Support API for tests, on a real HTTP server on 127.0.0.1, answering like
 * Zendesk: `{"error": …}` bodies, 401 `{"error":"Couldn't authenticate you"}`, 404
 * `{"error":"RecordNotFound","description":"Not found"}`, `Retry-After` on a scripted 429.
 *
 *   const zendesk = await startZendeskServer();    // options: FakeZendeskOptions
 *   zendesk.url, zendesk.email, zendesk.apiToken    // ZENDESK_URL, ZENDESK_EMAIL, ZENDESK_API_TOKEN
 *   zendesk.tickets.get(4711)                       // FakeZendeskTicket: tags, status, comments
 *   zendesk.addTicket(4800, { tags: ['vip'], status: 'closed' })
 *   zendesk.attach(4800, [{ fileName: 'a.png', contentType: 'image/png', content: bytes }])
 *                                                   // a customer's comment with attachments
 *   zendesk.requests                                // every request (see RecordedRequest)
 *   zendesk.failNext(429, { retryAfter: 60 })       // script failures (see FailureScript)
 *   await zendesk.stop()
 *
 * Default tickets: 4711 and 4712, both open, tagged `weekend_emergency` and `license`.
 * Authentication: Basic `{email}/token:{apiToken}`; no credentials make `users/me` answer the
 * anonymous end user (as Zendesk does) and everything else 401.
 * Endpoints (`.json` optional): GET /api/v2/users/me; GET|PUT /api/v2/tickets/{id} (PUT takes
 * `ticket.comment` {body | html_body, public (default true, as Zendesk keeps the last
 * visibility)}, `ticket.tags` (replaces all tags), `ticket.status`; `additional_tags` is ignored,
 * as on Zendesk's single-ticket update); GET /api/v2/tickets/{id}/comments (`sort_order`);
 * PUT (adds) / POST (sets) / DELETE (removes) /api/v2/tickets/{id}/tags. A closed ticket
 * refuses updates with 422 RecordInvalid. Comments carry `attachments` as Zendesk documents
 * them (id, file_name, content_url, mapped_content_url, content_type, size, width, height,
 * inline, deleted, malware_access_override, malware_scan_result, thumbnails); GET on a
 * `content_url` (`/attachments/token/{token}/?name=…`, agent credentials) answers the file.
 */
import {
  startScriptedServer,
  type FailureScript,
  type FakeReply,
  type RecordedRequest,
} from './scripted-http-server.js';

export type { FailureScript, RecordedRequest } from './scripted-http-server.js';

export interface FakeZendeskComment {
  id: number;
  author_id: number;
  /** Plain text, derived from `html_body` when the note was sent as HTML. */
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  created_at: string;
  attachments: FakeZendeskAttachment[];
}

/** An attachment as the Ticket Comments API lists it. */
export interface FakeZendeskAttachment {
  id: number;
  file_name: string;
  content_url: string;
  mapped_content_url: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  inline: boolean;
  deleted: boolean;
  malware_access_override: boolean;
  malware_scan_result: string;
  thumbnails: unknown[];
}

export interface FakeAttachmentFile {
  fileName: string;
  contentType: string;
  content: Buffer | string;
}

export interface FakeZendeskTicket {
  id: number;
  subject: string;
  status: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
  tags: string[];
  comments: FakeZendeskComment[];
}

export interface FakeZendeskOptions {
  /** Default `agent@example.com`. */
  email?: string;
  /** Default `zd-fake-api-token-abcdef`. */
  apiToken?: string;
  /** The role `users/me` reports for the agent. Default `agent`. */
  role?: 'agent' | 'admin' | 'end-user';
}

export interface FakeZendesk {
  url: string;
  email: string;
  apiToken: string;
  tickets: Map<number, FakeZendeskTicket>;
  addTicket(id: number, fields?: Partial<Omit<FakeZendeskTicket, 'id'>>): FakeZendeskTicket;
  /** Adds a public comment from the customer carrying these files; returns their attachments. */
  attach(ticketId: number, files: FakeAttachmentFile[]): FakeZendeskAttachment[];
  requests: RecordedRequest[];
  failNext(status: number, script?: FailureScript, times?: number): void;
  /** Answer every request `ms` later (the bench's slow remotes). */
  slowDown(ms: number): void;
  stop(): Promise<void>;
}

const AGENT_ID = 90001;

export async function startZendeskServer(options: FakeZendeskOptions = {}): Promise<FakeZendesk> {
  const email = options.email ?? 'agent@example.com';
  const apiToken = options.apiToken ?? 'zd-fake-api-token-abcdef';
  const tickets = new Map<number, FakeZendeskTicket>();
  let nextId = 1;
  const addTicket = (id: number, fields: Partial<Omit<FakeZendeskTicket, 'id'>> = {}) => {
    const ticket: FakeZendeskTicket = {
      id,
      subject: fields.subject ?? `Emergency: license expired (${id})`,
      status: fields.status ?? 'open',
      tags: fields.tags ?? ['weekend_emergency', 'license'],
      comments: fields.comments ?? [],
    };
    tickets.set(id, ticket);
    return ticket;
  };
  addTicket(4711);
  addTicket(4712);
  let baseUrl = '';
  const files = new Map<string, { contentType: string; content: Buffer }>();
  const attach = (ticketId: number, given: FakeAttachmentFile[]): FakeZendeskAttachment[] => {
    const ticket = tickets.get(ticketId) ?? addTicket(ticketId);
    const attachments = given.map((file): FakeZendeskAttachment => {
      const id = 900000 + nextId++;
      const token = `tok${id}`;
      const content = Buffer.from(file.content);
      files.set(token, { contentType: file.contentType, content });
      const url = `${baseUrl}/attachments/token/${token}/?name=${encodeURIComponent(file.fileName)}`;
      const image = file.contentType.startsWith('image/');
      return {
        id,
        file_name: file.fileName,
        content_url: url,
        mapped_content_url: url,
        content_type: file.contentType,
        size: content.length,
        width: image ? 1280 : null,
        height: image ? 800 : null,
        inline: false,
        deleted: false,
        malware_access_override: false,
        malware_scan_result: 'malware_not_found',
        thumbnails: [],
      };
    });
    ticket.comments.push({
      id: 700000 + nextId++,
      author_id: 12345,
      body: 'Here are the screenshots and the license file.',
      html_body: '<p>Here are the screenshots and the license file.</p>',
      plain_body: 'Here are the screenshots and the license file.',
      public: true,
      created_at: new Date().toISOString(),
      attachments,
    });
    return attachments;
  };

  const handle = (request: RecordedRequest): FakeReply => {
    const path = request.path.replace(/\.json$/, '');
    const auth = authenticate(request.headers.authorization, email, apiToken);
    if (path === '/api/v2/users/me' && request.method === 'GET' && auth === 'none') {
      return ok({
        user: { id: null, name: 'Anonymous user', email: 'invalid@example.com', role: 'end-user' },
      });
    }
    if (auth !== 'agent') return { status: 401, json: { error: "Couldn't authenticate you" } };
    const file = /^\/attachments\/token\/([^/]+)\/?$/.exec(request.path);
    if (file && request.method === 'GET') {
      const stored = files.get(file[1] ?? '');
      if (!stored)
        return { status: 404, json: { error: 'RecordNotFound', description: 'Not found' } };
      return {
        status: 200,
        text: stored.content.toString('utf8'),
        headers: { 'Content-Type': stored.contentType },
      };
    }
    if (path === '/api/v2/users/me' && request.method === 'GET') {
      return ok({
        user: {
          id: AGENT_ID,
          name: 'Lifeline Agent',
          email,
          role: options.role ?? 'agent',
          active: true,
        },
      });
    }

    const match = /^\/api\/v2\/tickets\/(\d+)(\/comments|\/tags)?$/.exec(path);
    if (!match)
      return { status: 404, json: { error: 'InvalidEndpoint', description: 'Not found' } };
    const ticket = tickets.get(Number(match[1]));
    if (!ticket)
      return { status: 404, json: { error: 'RecordNotFound', description: 'Not found' } };
    const body = asFields(request.body);

    if (match[2] === '/comments' && request.method === 'GET') {
      const comments = [...ticket.comments];
      if (request.query.get('sort_order') === 'desc') comments.reverse();
      return ok({ comments, next_page: null, previous_page: null, count: comments.length });
    }
    if (match[2] === '/tags') {
      if (request.method === 'GET') return ok({ tags: ticket.tags });
      if (ticket.status === 'closed') return closedTicket();
      const tags = tagList(body.tags);
      if (request.method === 'PUT') ticket.tags = [...new Set([...ticket.tags, ...tags])];
      else if (request.method === 'POST') ticket.tags = tags;
      else if (request.method === 'DELETE')
        ticket.tags = ticket.tags.filter((tag) => !tags.includes(tag));
      return ok({ tags: ticket.tags });
    }
    if (match[2] === undefined && request.method === 'GET')
      return ok({ ticket: ticketJson(ticket) });
    if (match[2] === undefined && request.method === 'PUT') {
      if (ticket.status === 'closed') return closedTicket();
      const changes = asFields(body.ticket);
      const events: Array<Record<string, unknown>> = [];
      const comment = asFields(changes.comment);
      if (typeof comment.body === 'string' || typeof comment.html_body === 'string') {
        const html =
          typeof comment.html_body === 'string'
            ? comment.html_body
            : escapeHtml(String(comment.body));
        const text = typeof comment.body === 'string' ? comment.body : htmlToText(html);
        const saved: FakeZendeskComment = {
          id: 700000 + nextId++,
          author_id: AGENT_ID,
          body: text,
          html_body: html,
          plain_body: text,
          public: comment.public === undefined ? true : comment.public === true,
          created_at: new Date().toISOString(),
          attachments: [],
        };
        ticket.comments.push(saved);
        events.push({
          id: saved.id,
          type: 'Comment',
          body: saved.body,
          html_body: saved.html_body,
          public: saved.public,
        });
      }
      if (changes.tags !== undefined) ticket.tags = tagList(changes.tags);
      if (typeof changes.status === 'string')
        ticket.status = changes.status as FakeZendeskTicket['status'];
      return ok({
        ticket: ticketJson(ticket),
        audit: { id: 800000 + nextId++, ticket_id: ticket.id, events },
      });
    }
    return { status: 405, json: { error: 'MethodNotAllowed' } };
  };

  const server = await startScriptedServer(handle, (status) =>
    status === 429
      ? { error: 'TooManyRequests', description: 'Rate limit exceeded' }
      : status >= 500
        ? { error: 'ServerError', description: 'Something went wrong' }
        : { error: 'Error', description: `HTTP ${status}` },
  );
  baseUrl = server.url;
  return { ...server, email, apiToken, tickets, addTicket, attach };
}

function authenticate(
  header: string | undefined,
  email: string,
  apiToken: string,
): 'agent' | 'none' | 'wrong' {
  if (!header) return 'none';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match) return 'wrong';
  return Buffer.from(match[1]!, 'base64').toString('utf8') === `${email}/token:${apiToken}`
    ? 'agent'
    : 'wrong';
}

function closedTicket(): FakeReply {
  return {
    status: 422,
    json: {
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { status: [{ description: 'Status: closed prevents ticket update' }] },
    },
  };
}

function ticketJson(ticket: FakeZendeskTicket): Record<string, unknown> {
  return { id: ticket.id, subject: ticket.subject, status: ticket.status, tags: ticket.tags };
}

function ok(json: unknown): FakeReply {
  return { status: 200, json };
}

function asFields(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** Zendesk lowercases tags and splits them on spaces. */
function tagList(value: unknown): string[] {
  const raw = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
  return raw.flatMap((tag) => tag.toLowerCase().split(/\s+/)).filter(Boolean);
}

/** Zendesk's plain-text rendering of a note sent as HTML, roughly (the verdict test reads it too). */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|li|ul)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
