import type { OutgoingMail } from '../ports/mailer.js';
import type { NoticeText } from '../ports/notice-channel.js';
import { escapeText } from '../adapters/notice/slack-message.js';
import { escapeHtml, htmlLink, slackLink } from '../adapters/safe-text/index.js';
import type { HandoffDigest, HandoffRequest } from './handoff-digest.js';
import { addDays, type CalendarDate } from '../license/calendar-date.js';
import { utcMinute } from '../utc-time.js';

/**
 * The hand-off for the channel (Slack mrkdwn) and for email (text and HTML). Every value from a
 * request (customer, requester, ticket URL, error) is escaped for its destination: ticket fields
 * are typed by people outside our control.
 */

function title(digest: HandoffDigest): string {
  return `Lifeline hand-off: ${utcMinute(digest.since)} to ${utcMinute(digest.until)}`;
}

interface Section {
  heading: string;
  empty: string;
  requests: HandoffRequest[];
  /** What the line adds after the common facts. */
  extra?: (request: HandoffRequest) => string | undefined;
}

function sections(digest: HandoffDigest): Section[] {
  return [
    {
      heading: `Emergency requests (${digest.requests.length})`,
      empty: 'none in this period',
      requests: digest.requests,
    },
    {
      heading: `Failed (${digest.needsPerson.failed.length})`,
      empty: 'none',
      requests: digest.needsPerson.failed,
      extra: (r) => r.failure && `could not ${r.failure.step}: ${r.failure.message}`,
    },
    {
      heading: `Waiting for a person (${digest.needsPerson.waiting.length})`,
      empty: 'none',
      requests: digest.needsPerson.waiting,
    },
    {
      heading: `Licenses ending in the next 3 days (${digest.needsPerson.endingSoon.length})`,
      empty: 'none',
      requests: digest.needsPerson.endingSoon,
      // The day it expires at 00:00, said as everywhere else: the last day it works, then that.
      extra: (r) =>
        r.licenseEndsOn &&
        `works through ${addDays(r.licenseEndsOn as CalendarDate, -1)} (expires ${r.licenseEndsOn})`,
    },
  ];
}

/** The facts of one line, unescaped, in the order every destination shows them. */
function facts(request: HandoffRequest, extra?: string): string[] {
  return [
    request.customer,
    `${request.seats} seats`,
    `by ${request.requester}`,
    request.state,
    ...(request.cover ? [`cover ${request.cover}`] : []),
    ...(extra ? [extra] : []),
  ];
}

export function renderHandoffNotice(digest: HandoffDigest): NoticeText {
  const lines = [`*${escapeText(title(digest))}*`];
  for (const section of sections(digest)) {
    lines.push('', `*${escapeText(section.heading)}*`);
    if (section.requests.length === 0) lines.push(`_${section.empty}_`);
    for (const request of section.requests) {
      const ticket = slackLink(request.ticket.url, `#${request.ticket.id}`);
      const rest = facts(request, section.extra?.(request)).map(escapeText).join(' · ');
      lines.push(`• ${ticket} ${rest}`);
    }
  }
  const counts = digest.needsPerson;
  return {
    summary: escapeText(
      `${title(digest)}: ${digest.requests.length} requests, ${counts.failed.length} failed, ${counts.waiting.length} waiting, ${counts.endingSoon.length} ending soon`,
    ),
    text: lines.join('\n'),
  };
}

export function renderHandoffText(digest: HandoffDigest): string {
  const lines = [title(digest)];
  for (const section of sections(digest)) {
    lines.push('', section.heading);
    if (section.requests.length === 0) lines.push(`  ${section.empty}`);
    for (const request of section.requests) {
      lines.push(
        `  - ticket #${request.ticket.id} ${facts(request, section.extra?.(request)).join(' · ')}`,
        `    ${request.ticket.url}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function renderHandoffHtml(digest: HandoffDigest): string {
  const parts = [`<h1>${escapeHtml(title(digest))}</h1>`];
  for (const section of sections(digest)) {
    parts.push(`<h2>${escapeHtml(section.heading)}</h2>`);
    if (section.requests.length === 0) {
      parts.push(`<p><em>${escapeHtml(section.empty)}</em></p>`);
      continue;
    }
    parts.push('<ul>');
    for (const request of section.requests) {
      const rest = facts(request, section.extra?.(request)).map(escapeHtml).join(' · ');
      parts.push(`<li>${htmlLink(request.ticket.url, `#${request.ticket.id}`)} ${rest}</li>`);
    }
    parts.push('</ul>');
  }
  return `<!doctype html><html><body>${parts.join('\n')}</body></html>`;
}

/** One message per recipient, its Message-ID fixed per occurrence so a retry is recognisable. */
export function renderHandoffEmail(
  digest: HandoffDigest,
  options: { from: string; to: string; replyTo?: string; messageIdDomain: string; key: string },
): OutgoingMail {
  return {
    messageId: `<handoff.${options.key}.${options.to.replace(/[^a-z0-9.-]/gi, '_')}@${options.messageIdDomain}>`,
    from: options.from,
    to: options.to,
    ...(options.replyTo && { replyTo: options.replyTo }),
    subject: title(digest),
    text: renderHandoffText(digest),
    html: renderHandoffHtml(digest),
    attachments: [],
  };
}
