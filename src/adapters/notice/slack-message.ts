/**
 * The licensing team's notice as a Slack message: Block Kit for people, and a plain `text`
 * fallback (shown in notifications and by clients without blocks) that always holds the ticket
 * URL, since that is what the licensing team acts on.
 */
import type { RequestOutcome } from '../../ports/outcome.js';
import { slackLink, slackText, slackUrl } from '../safe-text/index.js';

interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
}

export type SlackBlock =
  | { type: 'header'; text: TextObject & { type: 'plain_text' } }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Block Kit limits: a section's text and each field. Longer error messages are cut. */
const SECTION_TEXT_MAX = 3000;
const FIELD_TEXT_MAX = 2000;

const headings: Record<RequestOutcome['outcome'], string> = {
  issued: 'Emergency license issued',
  failed: 'Emergency license FAILED',
  awaiting_approval: 'Emergency license AWAITING APPROVAL',
  declined: 'Emergency license request DECLINED',
  expired: 'Emergency license request EXPIRED',
};

export function renderSlackNotice(outcome: RequestOutcome): SlackMessage {
  if (outcome.cover) return renderSlackCoverNotice(outcome, outcome.cover);
  const issued = outcome.outcome === 'issued';
  const heading = headings[outcome.outcome];
  const fields: TextObject[] = [
    field('Ticket', slackLink(outcome.ticket.url, `#${outcome.ticket.id}`)),
    field('Customer email', escapeText(outcome.customerEmail)),
    field('Seats', String(outcome.userCount)),
    field(
      'Works through',
      worksThrough(outcome) ??
        (issued
          ? 'unknown'
          : outcome.outcome === 'awaiting_approval'
            ? 'not issued yet'
            : 'no license issued'),
    ),
    field('Requested by', escapeText(outcome.requestedBy)),
    field('Tracker issue', trackerLink(outcome)),
  ];
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: heading } },
    { type: 'section', fields },
  ];
  if (!issued && outcome.failure) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(
          [
            `*Failed step:* ${escapeText(outcome.failure.step)}`,
            `*Error:* ${escapeText(outcome.failure.message)}`,
            `*Next:* ${escapeText(outcome.failure.nextAction)}`,
          ].join('\n'),
          SECTION_TEXT_MAX,
        ),
      },
    });
  }
  if (outcome.approval) blocks.push(approvalSection(outcome));
  const context = [`Lifeline request \`${escapeText(outcome.requestId)}\``];
  if (outcome.requestUrl) context.push(slackLink(outcome.requestUrl, 'open in Lifeline'));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });

  return { text: fallbackText(outcome), blocks };
}

/** News of the cover (reminder, lapse, renewal, extension), with the ticket and the tracker issue. */
function renderSlackCoverNotice(
  outcome: RequestOutcome,
  cover: NonNullable<RequestOutcome['cover']>,
): SlackMessage {
  const fields: TextObject[] = [
    field('Ticket', link(outcome.ticket.url, `#${outcome.ticket.id}`)),
    field('Customer email', escapeText(outcome.customerEmail)),
    field('Seats', String(outcome.userCount)),
    field('Works through', worksThrough(outcome) ?? 'unknown'),
    field('Tracker issue', trackerLink(outcome)),
  ];
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(cover.headline, 150) } },
    { type: 'section', fields },
  ];
  if (cover.lines.length > 0) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: cut(cover.lines.map(escapeText).join('\n'), SECTION_TEXT_MAX) },
    });
  }
  const context = [`Lifeline request \`${escapeText(outcome.requestId)}\``];
  if (outcome.requestUrl) context.push(link(outcome.requestUrl, 'open in Lifeline'));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  const text = `${escapeText(cover.headline)} (${escapeText(outcome.customerEmail)}): ticket ${escapeText(outcome.ticket.url)}${outcome.trackerIssue?.url ? `, tracker issue ${escapeText(outcome.trackerIssue.url)}` : ''}`;
  return { text, blocks };
}

/** The one way every place words a license's end (see license/gitlab-upload/license-life.ts). */
function worksThrough(outcome: RequestOutcome): string | undefined {
  if (!outcome.lastFullDay || !outcome.expiresAt) return undefined;
  return `${outcome.lastFullDay} (expires at 00:00 on ${outcome.expiresAt}, server time)`;
}

/** Why the request waits, who may settle it, and the verdict once given. */
function approvalSection(outcome: RequestOutcome): SlackBlock {
  const approval = outcome.approval;
  const lines = (approval?.reasons ?? []).map((reason) => `• ${escapeText(reason)}`);
  if (outcome.outcome === 'awaiting_approval' && approval) {
    lines.push(
      `*Needs:* ${escapeText(approval.whoMayApprove)}, before ${escapeText(approval.expiresAt)}`,
    );
  }
  if (approval?.decidedBy) {
    lines.push(
      `*${outcome.outcome === 'declined' ? 'Declined' : 'Approved'} by:* ${escapeText(approval.decidedBy)}`,
    );
  }
  if (approval?.reason) lines.push(`*Reason:* ${escapeText(approval.reason)}`);
  if (outcome.outcome === 'expired')
    lines.push('*Expired:* nobody approved it in time; no license was issued.');
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: cut(lines.join('\n'), SECTION_TEXT_MAX) },
  };
}

function fallbackText(outcome: RequestOutcome): string {
  const who = `${escapeText(outcome.customerEmail)}, ${outcome.userCount} seats`;
  const ticket = `ticket ${slackUrl(outcome.ticket.url) ?? escapeText(outcome.ticket.url)}`;
  if (outcome.outcome !== 'issued' && outcome.outcome !== 'failed') {
    return `${headings[outcome.outcome]} for ${who}: ${ticket}`;
  }
  if (outcome.outcome === 'issued') {
    const through = worksThrough(outcome);
    const expiry = through ? `, works through ${through}` : '';
    return `Emergency license issued for ${who}${expiry}: ${ticket}`;
  }
  const step = outcome.failure ? ` at ${escapeText(outcome.failure.step)}` : '';
  return `Emergency license FAILED${step} for ${who}: ${ticket}`;
}

function field(label: string, value: string): TextObject {
  return { type: 'mrkdwn', text: cut(`*${label}*\n${value}`, FIELD_TEXT_MAX) };
}

function trackerLink(outcome: RequestOutcome): string {
  const issue = outcome.trackerIssue;
  if (!issue) return 'none yet';
  const label = `#${issue.number} ${issue.title}`;
  return issue.url ? slackLink(issue.url, label) : escapeText(label);
}

/** `<url|label>`, or the escaped label alone when the URL is not http(s). */
function link(url: string, label: string): string {
  return slackLink(url, label);
}

/**
 * A long mrkdwn text as sections within Block Kit's limit, cut at line ends: a digest of a busy
 * weekend stays whole (up to 50 blocks).
 */
export function textBlocks(text: string): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const piece = cut(line, SECTION_TEXT_MAX);
    if (current !== '' && current.length + 1 + piece.length > SECTION_TEXT_MAX) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
      current = piece;
    } else {
      current = current === '' ? piece : `${current}\n${piece}`;
    }
  }
  if (current !== '') blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
  return blocks.slice(0, 50);
}

/** Untrusted text for mrkdwn (safe-text: one line, `&`, `<`, `>` escaped). */
export function escapeText(text: string): string {
  return slackText(text);
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
