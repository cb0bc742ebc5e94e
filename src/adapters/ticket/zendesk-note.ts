/**
 * The internal note Lifeline adds to the Zendesk ticket, as HTML (Zendesk sanitises it and
 * derives the plain-text `body`). Its last line names the request and the outcome: that line
 * is how a retry recognises a note it already added before a crash.
 */
import type { RequestOutcome } from '../../ports/outcome.js';
import { htmlLink, htmlText } from '../safe-text/index.js';

export interface ZendeskNote {
  html: string;
  /** Plain text that identifies this note among the ticket's comments. */
  key: string;
  /** The tag added to the ticket alongside the note. */
  tag:
    | `emergency_license_${RequestOutcome['outcome']}`
    | 'emergency_license_renewed'
    | 'emergency_license_reminder'
    | 'emergency_license_lapsed'
    | 'emergency_license_extended';
}

const headings: Record<RequestOutcome['outcome'], { title: string; outcome: string }> = {
  issued: { title: 'Emergency license issued', outcome: 'license issued' },
  failed: { title: 'Emergency license FAILED', outcome: 'failed, no license was sent' },
  awaiting_approval: {
    title: 'Emergency license AWAITING APPROVAL',
    outcome: 'waiting for a second person’s approval, no license yet',
  },
  declined: {
    title: 'Emergency license request DECLINED',
    outcome: 'declined, no license was issued',
  },
  expired: {
    title: 'Emergency license request EXPIRED',
    outcome: 'nobody approved it in time, no license was issued',
  },
};

export function renderZendeskNote(outcome: RequestOutcome): ZendeskNote {
  if (outcome.cover) return renderCoverNote(outcome, outcome.cover);
  const issued = outcome.outcome === 'issued';
  const heading = headings[outcome.outcome];
  const rows: string[] = [
    item('Outcome', htmlText(heading.outcome)),
    ...licenseRows(outcome),
    item('Requested by', htmlText(outcome.requestedBy)),
    ...linkRows(outcome),
  ];

  const approval = outcome.approval;
  if (approval) {
    for (const reason of approval.reasons)
      rows.push(item('Needs approval because', htmlText(reason)));
    if (outcome.outcome === 'awaiting_approval') {
      rows.push(item('Who may approve', htmlText(approval.whoMayApprove)));
      rows.push(item('Expires', htmlText(approval.expiresAt)));
    }
    if (approval.decidedBy) rows.push(item('Decided by', htmlText(approval.decidedBy)));
    if (approval.reason) rows.push(item('Reason', htmlText(approval.reason)));
  }
  const parts = [`<p><strong>${htmlText(heading.title)}</strong></p>`, `<ul>${rows.join('')}</ul>`];
  if (!issued && outcome.failure) {
    parts.push(
      `<p><strong>Failed step:</strong> ${htmlText(outcome.failure.step)}<br>` +
        `<strong>Error:</strong> ${htmlText(outcome.failure.message)}<br>` +
        `<strong>Next:</strong> ${htmlText(outcome.failure.nextAction)}</p>`,
    );
  }
  const key = noteKey(outcome);
  parts.push(`<p>${htmlText(key)}</p>`);
  return {
    html: parts.join('\n'),
    key,
    tag: `emergency_license_${outcome.outcome}`,
  };
}

/** Who the license is for, its seats and, once it exists, its last full day. */
function licenseRows(outcome: RequestOutcome): string[] {
  const rows = [
    item('Customer email', htmlText(outcome.customerEmail)),
    item('Seats', String(outcome.userCount)),
  ];
  if (outcome.expiresAt && outcome.lastFullDay)
    rows.push(
      item(
        'Works through',
        `${outcome.lastFullDay} (expires at 00:00 on ${outcome.expiresAt}, server time)`,
      ),
    );
  return rows;
}

/** The request's tracker issue and its page in the console, when there are. */
function linkRows(outcome: RequestOutcome): string[] {
  const rows: string[] = [];
  if (outcome.trackerIssue) {
    const label = `#${outcome.trackerIssue.number} ${outcome.trackerIssue.title}`;
    rows.push(item('Tracker issue', link(outcome.trackerIssue.url, label)));
  }
  if (outcome.requestUrl) rows.push(item('Request', link(outcome.requestUrl, outcome.requestUrl)));
  return rows;
}

/** News of the cover after delivery: the renewal, a reminder, the lapse or an extension. */
function renderCoverNote(
  outcome: RequestOutcome,
  cover: NonNullable<RequestOutcome['cover']>,
): ZendeskNote {
  const rows = [...licenseRows(outcome), ...linkRows(outcome)];
  const key = noteKey(outcome);
  const parts = [
    `<p><strong>${htmlText(cover.headline)}</strong></p>`,
    ...cover.lines.map((line) => `<p>${htmlText(line)}</p>`),
    `<ul>${rows.join('')}</ul>`,
    `<p>${htmlText(key)}</p>`,
  ];
  return { html: parts.join('\n'), key, tag: `emergency_license_${cover.event}` };
}

/**
 * `Lifeline request <id> (issued)` or `(failed at <step>)`: a second failure at another step, or
 * the success after a failure, is a new note; the same one again is not.
 */
export function noteKey(outcome: RequestOutcome): string {
  if (outcome.cover) return `Lifeline request ${outcome.requestId} (${outcome.cover.key})`;
  const what =
    outcome.outcome === 'failed'
      ? `failed${outcome.failure ? ` at ${outcome.failure.step}` : ''}`
      : outcome.outcome;
  return `Lifeline request ${outcome.requestId} (${what})`;
}

/** Whether a comment (any of its renderings) is the note with this key. */
export function isNoteWithKey(
  comment: { body?: string; plain_body?: string; html_body?: string },
  key: string,
): boolean {
  return (
    (comment.body?.includes(key) ?? false) ||
    (comment.plain_body?.includes(key) ?? false) ||
    (comment.html_body?.includes(htmlText(key)) ?? false)
  );
}

function item(label: string, valueHtml: string): string {
  return `<li><strong>${label}:</strong> ${valueHtml}</li>`;
}

function link(url: string | undefined, label: string): string {
  return url ? htmlLink(url, label) : htmlText(label);
}
