/**
 * Internal notes on Zendesk tickets, through the Support REST API and our outbound fetch wrapper.
 *
 * One note per outcome, two calls at once:
 * - `PUT /api/v2/tickets/{id}.json` with the comment, `public: false` always explicit (Zendesk
 *   otherwise keeps the ticket's last visibility, which may be public);
 * - `PUT /api/v2/tickets/{id}/tags.json`, which adds tags. Tags on the ticket update would
 *   replace all of the ticket's tags, and `additional_tags` works only on bulk updates.
 *   Adding a tag twice is harmless, so it need not wait for the note.
 * https://developer.zendesk.com/documentation/ticketing/managing-tickets/adding-tags-to-tickets-without-overwriting-existing-tags
 * On a retry (an earlier attempt may have saved the note and lost the answer), the ticket's
 * newest comments are read first and a note already there is not added again.
 */
import { z } from 'zod';
import type { RequestOutcome } from '../../ports/outcome.js';
import { RemoteFailure, type ReadinessCheck } from '../../ports/remote-failure.js';
import type { NotFoundMeaning } from '../http/classify-http-failure.js';
import { fetchJson, outboundFetch, type OutboundRequest } from '../http/outbound-fetch.js';
import type { RemoteService } from '../http/remote-service.js';
import type { TicketAttachment } from '../../policy/index.js';
import type { NoticeRetry } from '../../ports/notice-channel.js';
import type { TicketAttachments, TicketDesk } from '../../ports/ticket-desk.js';
import { isNoteWithKey, renderZendeskNote } from './zendesk-note.js';
import type { ZendeskSettings } from './zendesk-settings.js';

const commentsReply = z.object({
  comments: z.array(
    z.object({
      id: z.number(),
      public: z.boolean().optional(),
      body: z.string().optional(),
      html_body: z.string().optional(),
      plain_body: z.string().optional(),
    }),
  ),
});

/**
 * `GET /api/v2/tickets/{id}/comments`: each comment's attachments with `id`, `file_name`,
 * `content_url`, `content_type` and `size` (bytes), and `next_page` for the next page
 * (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/).
 */
const attachmentsReply = z.object({
  comments: z.array(
    z.object({
      id: z.number(),
      attachments: z
        .array(
          z.object({
            id: z.number(),
            file_name: z.string(),
            content_url: z.string(),
            content_type: z.string().nullable().optional(),
            size: z.number().nullable().optional(),
          }),
        )
        .optional(),
    }),
  ),
  next_page: z.string().nullable().optional(),
});

/** A license file is a few kilobytes; anything far larger is not one. */
const LICENSE_FILE_MAX_BYTES = 100_000;
/** Pages of 100 comments: a ticket with more is not an emergency ticket we can check. */
const MAX_COMMENT_PAGES = 5;

const updateReply = z.object({
  ticket: z.object({ id: z.number() }),
  audit: z
    .object({
      id: z.number(),
      events: z.array(z.object({ id: z.number(), type: z.string() })).optional(),
    })
    .optional(),
});

const tagsReply = z.object({ tags: z.array(z.string()) });

const meReply = z.object({
  user: z.object({
    id: z.number().nullable(),
    name: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    role: z.string().nullable().optional(),
  }),
});

export interface ZendeskTicketDeskOptions {
  /** Per-call timeout in ms (default 15 s); tests shorten it. */
  timeoutMs?: number;
}

export class ZendeskTicketDesk implements TicketDesk {
  readonly name = 'zendesk' as const;
  private readonly service: RemoteService;
  private readonly authorization: string;

  constructor(
    private readonly settings: ZendeskSettings,
    private readonly options: ZendeskTicketDeskOptions = {},
  ) {
    const credentials = Buffer.from(`${settings.email}/token:${settings.apiToken}`).toString(
      'base64',
    );
    this.authorization = `Basic ${credentials}`;
    this.service = {
      name: 'Zendesk',
      codePrefix: 'ZENDESK',
      urlSetting: 'ZENDESK_URL',
      credentialSetting: 'ZENDESK_EMAIL / ZENDESK_API_TOKEN',
      unauthorizedHint:
        'check ZENDESK_EMAIL is an agent, the API token is active, and token access is on (Admin Center › Apps and integrations › Zendesk API)',
      forbiddenHint: 'the agent ZENDESK_EMAIL may not edit this ticket (check its role and groups)',
      secrets: [settings.apiToken, credentials],
    };
  }

  async addInternalNote(
    outcome: RequestOutcome,
    retry?: NoticeRetry,
  ): Promise<{ ref?: string; destination: string }> {
    const ticketId = ticketNumber(outcome.ticket.id);
    const note = renderZendeskNote(outcome);
    const notFound = (): NotFoundMeaning => ({
      kind: 'permanent',
      code: 'ZENDESK_TICKET_NOT_FOUND',
      message: `Zendesk ticket ${ticketId} not found at ZENDESK_URL (deleted, merged away, or in another Zendesk account)`,
    });

    const earlier = retry ? await this.findNote(ticketId, note.key, notFound) : undefined;
    // Both calls are left to finish before an error is thrown: no call is still on its way
    // when the job is retried.
    const [added, tagged] = await Promise.allSettled([
      earlier === undefined
        ? this.call(
            {
              method: 'PUT',
              url: this.url(`/api/v2/tickets/${ticketId}.json`),
              json: { ticket: { comment: { html_body: note.html, public: false } } },
              action: `adding the internal note to ticket ${ticketId}`,
              notFound,
            },
            updateReply,
          )
        : Promise.resolve(undefined),
      this.call(
        {
          method: 'PUT',
          url: this.url(`/api/v2/tickets/${ticketId}/tags.json`),
          json: { tags: [note.tag] },
          action: `tagging ticket ${ticketId} ${note.tag}`,
          notFound,
        },
        tagsReply,
      ),
    ]);
    if (added.status === 'rejected') throw added.reason;
    if (tagged.status === 'rejected') throw tagged.reason;
    const updated = added.value;
    const comment = updated?.audit?.events?.find((event) => event.type === 'Comment');
    const ref =
      earlier !== undefined
        ? String(earlier)
        : comment
          ? String(comment.id)
          : updated?.audit
            ? `audit ${updated.audit.id}`
            : undefined;
    return { ...(ref === undefined ? {} : { ref }), destination: `Zendesk ticket #${ticketId}` };
  }

  /** The id of the internal note with this key among the ticket's newest comments. */
  private async findNote(
    ticketId: number,
    key: string,
    notFound: () => NotFoundMeaning,
  ): Promise<number | undefined> {
    const comments = await this.call(
      {
        method: 'GET',
        url: this.url(`/api/v2/tickets/${ticketId}/comments.json?sort_order=desc`),
        action: `reading the comments of ticket ${ticketId}`,
        notFound,
      },
      commentsReply,
    );
    return comments.comments.find(
      (comment) => comment.public === false && isNoteWithKey(comment, key),
    )?.id;
  }

  async readAttachments(id: string): Promise<TicketAttachments> {
    const ticketId = ticketNumber(id);
    const notFound = (): NotFoundMeaning => ({
      kind: 'permanent',
      code: 'ZENDESK_TICKET_NOT_FOUND',
      message: `Zendesk ticket ${ticketId} not found at ZENDESK_URL`,
    });
    const found: Array<{ attachment: TicketAttachment; contentUrl: string }> = [];
    let next: URL | undefined = this.url(
      `/api/v2/tickets/${ticketId}/comments.json?sort_order=desc&per_page=100`,
    );
    for (let page = 0; next !== undefined && page < MAX_COMMENT_PAGES; page += 1) {
      const reply: z.output<typeof attachmentsReply> = await this.call(
        {
          method: 'GET',
          url: next,
          action: `reading the attachments of ticket ${ticketId}`,
          notFound,
        },
        attachmentsReply,
      );
      for (const comment of reply.comments) {
        for (const file of comment.attachments ?? []) {
          found.push({
            attachment: {
              id: file.id,
              fileName: file.file_name,
              contentType: file.content_type ?? 'application/octet-stream',
              size: file.size ?? 0,
            },
            contentUrl: file.content_url,
          });
        }
      }
      next = this.sameOrigin(reply.next_page ?? undefined);
    }
    const licenseFiles: TicketAttachments['licenseFiles'] = [];
    for (const { attachment, contentUrl } of found) {
      if (!/\.gitlab-license$/i.test(attachment.fileName)) continue;
      if (attachment.size > LICENSE_FILE_MAX_BYTES) continue;
      const url = this.sameOrigin(contentUrl);
      // Credentials go only to ZENDESK_URL; a file elsewhere is not fetched.
      if (url === undefined) continue;
      const reply = await outboundFetch(
        {
          method: 'GET',
          url,
          headers: { Authorization: this.authorization, Accept: '*/*' },
          action: `downloading ${attachment.fileName} from ticket ${ticketId}`,
          notFound,
          ...(this.options.timeoutMs !== undefined && { timeoutMs: this.options.timeoutMs }),
        },
        this.service,
      );
      licenseFiles.push({ attachment, text: reply.body.slice(0, LICENSE_FILE_MAX_BYTES) });
    }
    return { attachments: found.map((entry) => entry.attachment), licenseFiles };
  }

  private sameOrigin(url: string | undefined): URL | undefined {
    if (url === undefined) return undefined;
    try {
      const parsed = new URL(url);
      return parsed.origin === new URL(this.settings.url).origin ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async check(): Promise<ReadinessCheck[]> {
    try {
      const { user } = await this.call(
        { method: 'GET', url: this.url('/api/v2/users/me.json'), action: 'checking the agent' },
        meReply,
      );
      // Zendesk answers an unauthenticated call with an anonymous end user, not a 401.
      const agent = user.id !== null && (user.role === 'agent' || user.role === 'admin');
      return [
        {
          name: 'Zendesk agent',
          ok: agent,
          detail: agent
            ? `ZENDESK_EMAIL works: ${user.name ?? user.email ?? user.id} (${user.role})`
            : `Zendesk sees ${user.id === null ? 'an anonymous user' : `an ${user.role ?? 'unknown'} role`}, which cannot add internal notes`,
          ...(agent
            ? {}
            : {
                fix: 'Set ZENDESK_EMAIL and ZENDESK_API_TOKEN to an agent or admin and their API token',
              }),
        },
      ];
    } catch (error) {
      if (!(error instanceof RemoteFailure)) throw error;
      return [
        {
          name: 'Zendesk agent',
          ok: false,
          detail: error.message,
          fix:
            error.kind === 'configuration'
              ? 'Check ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN'
              : 'Zendesk did not answer properly: check ZENDESK_URL, or try again later',
        },
      ];
    }
  }

  private async call<Schema extends z.ZodType>(
    request: Omit<OutboundRequest, 'headers' | 'timeoutMs'>,
    schema: Schema,
  ): Promise<z.output<Schema>> {
    return await fetchJson(
      {
        ...request,
        headers: { Authorization: this.authorization },
        timeoutMs: this.options.timeoutMs,
      },
      this.service,
      schema,
    );
  }

  private url(pathAndQuery: string): URL {
    return new URL(`${this.settings.url}${pathAndQuery}`);
  }
}

export function createZendeskTicketDesk(
  settings: ZendeskSettings,
  options: ZendeskTicketDeskOptions = {},
): TicketDesk {
  return new ZendeskTicketDesk(settings, options);
}

/** Zendesk ticket ids are positive integers; people sometimes write `#4711`. */
function ticketNumber(id: string): number {
  const match = /^#?(\d{1,15})$/.exec(id.trim());
  if (!match) {
    throw new RemoteFailure(
      'permanent',
      `"${id}" is not a Zendesk ticket number, so no note can be added to it`,
      { code: 'ZENDESK_BAD_TICKET_ID' },
    );
  }
  return Number(match[1]);
}
