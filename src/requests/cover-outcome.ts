import { addDays, type CalendarDate } from '../license/calendar-date.js';
import type { LicenseRow, RequestRow } from '../store/schema.js';
import { parseCoverEventKey } from './cover.js';
import type { CoverNotice, RequestOutcome } from '../ports/outcome.js';
import { parseRenewal } from './renewal.js';
import { outcomeOf } from './request-outcome.js';
import { gitlabText } from '../adapters/safe-text/index.js';

/** What an extension was made with, from its timeline entry. */
export interface ExtensionFacts {
  by: string;
  reason: string;
}

/**
 * News of the cover, in the shape the notice, the ticket note and the tracker comment are made
 * from. The dates are those of the license the event is about (for an extension, the new one).
 */
export function coverOutcome(
  request: RequestRow,
  license: LicenseRow | undefined,
  eventKey: string,
  requestUrl: string | undefined,
  extension?: ExtensionFacts,
): RequestOutcome {
  const base = outcomeOf(request, license, 'issued', requestUrl);
  return { ...base, cover: coverNotice(request, license, eventKey, extension) };
}

function coverNotice(
  request: RequestRow,
  license: LicenseRow | undefined,
  key: string,
  extension?: ExtensionFacts,
): CoverNotice {
  const event = parseCoverEventKey(key);
  const ends = license?.expires_at as CalendarDate | undefined;
  const through = ends
    ? `works through ${addDays(ends, -1)} (expires at 00:00 on ${ends}, server time)`
    : 'has no recorded end';
  const who = request.customer_email;
  switch (event?.kind) {
    case 'reminder':
      return {
        event: 'reminder',
        key,
        headline: `Emergency license ends in ${event.daysBefore} day${event.daysBefore === 1 ? '' : 's'}: renewal still pending`,
        lines: [
          `The temporary license for ${who} (${Number(license?.user_count ?? request.user_count)} seats) ${through}, and no renewal is recorded yet.`,
          'When the customer’s new license arrives, record it on the request (paste or upload the file); an approver may extend the cover once if the renewal is late.',
        ],
      };
    case 'lapsed':
      return {
        event: 'lapsed',
        key,
        headline: 'Emergency license ended with no renewal',
        lines: [
          `The temporary license for ${who} ended (it expired at 00:00 on ${ends ?? 'its end day'}, server time) and no renewal was recorded: paid features have stopped on the customer’s instance.`,
          'Contact the customer about the renewal; record it on the request when it arrives.',
        ],
      };
    case 'extended':
      return {
        event: 'extended',
        key,
        headline: 'Emergency license extended',
        lines: [
          `${extension?.by ?? 'An approver'} extended the cover for ${who} with a new temporary license for ${Number(license?.user_count ?? request.user_count)} seats: it ${through}.`,
          ...(extension?.reason ? [`Reason: ${extension.reason}`] : []),
        ],
      };
    default: {
      const renewal = parseRenewal(request.renewal);
      const lines =
        renewal?.source === 'license_file'
          ? [
              `The customer’s new license is recorded: ${renewal.plan ?? 'unknown plan'}, ${renewal.userCount ?? '?'} seats, from ${renewal.startsOn ?? '?'} to ${renewal.expiresOn ?? '?'} (recorded by ${renewal.recordedBy}).`,
              'The temporary license is no longer needed; no reminders follow.',
            ]
          : [
              `${renewal?.recordedBy ?? 'An approver'} marked the renewal done without the license file.`,
              ...(renewal?.reason ? [`Reason: ${renewal.reason}`] : []),
            ];
      return { event: 'renewed', key, headline: `Renewal recorded for ${who}`, lines };
    }
  }
}

/** The tracker comment for cover news, in Markdown; people's text is kept from becoming markup. */
export function coverTrackerComment(outcome: RequestOutcome): string {
  const cover = outcome.cover;
  if (!cover) return '';
  const lines = [
    `**${markdownText(cover.headline)}**`,
    '',
    ...cover.lines.map(markdownText),
    '',
    `- **Ticket:** ${markdownText(outcome.ticket.url)}`,
  ];
  if (outcome.requestUrl) lines.push(`- **In Lifeline:** ${markdownText(outcome.requestUrl)}`);
  return lines.join('\n');
}

/** Untrusted text in the tracker comment: the one GitLab encoder (no quick action, no mention). */
function markdownText(text: string): string {
  return gitlabText(text);
}
