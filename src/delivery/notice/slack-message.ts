/**
 * The licensing team's notice as a Slack message: Block Kit for people, and a plain `text`
 * fallback (shown in notifications and by clients without blocks) that always holds the ticket
 * URL, since that is what the licensing team acts on.
 */
import type { RequestOutcome } from '../../requests/outcome.js';

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

export function renderSlackNotice(outcome: RequestOutcome): SlackMessage {
  const issued = outcome.outcome === 'issued';
  const heading = issued ? 'Emergency license issued' : 'Emergency license FAILED';
  const fields: TextObject[] = [
    field('Ticket', slackLink(outcome.ticket.url, `#${outcome.ticket.id}`)),
    field('Customer email', escapeText(outcome.customerEmail)),
    field('Seats', String(outcome.userCount)),
    field('Works through', worksThrough(outcome) ?? (issued ? 'unknown' : 'no license issued')),
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
  const context = [`Lifeline request \`${escapeText(outcome.requestId)}\``];
  if (outcome.requestUrl) context.push(slackLink(outcome.requestUrl, 'open in Lifeline'));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });

  return { text: fallbackText(outcome), blocks };
}

/** The one way every place words a license's end (see license/gitlab-upload/license-life.ts). */
function worksThrough(outcome: RequestOutcome): string | undefined {
  if (!outcome.lastFullDay || !outcome.expiresAt) return undefined;
  return `${outcome.lastFullDay} (expires at 00:00 on ${outcome.expiresAt}, server time)`;
}

function fallbackText(outcome: RequestOutcome): string {
  const who = `${escapeText(outcome.customerEmail)}, ${outcome.userCount} seats`;
  const ticket = `ticket ${escapeText(outcome.ticket.url)}`;
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
export function slackLink(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeText(label);
  // `|` and `>` would end the link early.
  const safeLabel = escapeText(label).replace(/\|/g, '¦');
  return `<${escapeText(url)}|${safeLabel}>`;
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

/** Slack's three control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
