import { addDays, AFTER_TRIAL_ENDS } from '../license/index.js';
import type { CalendarDate } from '../license/index.js';
import type { Decision } from '../policy/index.js';
import {
  gitlabCode,
  gitlabCodeBlock,
  gitlabLink,
  gitlabText,
  oneLine,
} from '../adapters/safe-text/index.js';
import type { RequestFailure } from './request.js';
import type { RequestState } from './request-life.js';

/**
 * The tracker issue of a request: the titles are the ones the support handbook tells people to
 * search for, so they are exact.
 */
export function trackerIssueTitle(
  state: RequestState,
  customerEmail: string,
  userCount: number,
): string {
  // A title is one line of plain text; the schema already keeps addresses to a few characters.
  const email = oneLine(customerEmail);
  if (state === 'succeeded')
    return `[Success] - Created a license under ${email} for ${userCount} users`;
  if (state === 'failed') {
    return `[Failure] - Could not create a license under ${email} for ${userCount} users`;
  }
  return `[In progress] - Creating a license under ${email} for ${userCount} users`;
}

export interface TrackerIssueFacts {
  requestId: string;
  state: RequestState;
  ticket: { id: string; url: string };
  requestedBy: string;
  customerEmail: string;
  userCount: number;
  decision: Pick<Decision, 'summary' | 'rules' | 'warnings' | 'policyVersion'>;
  license?: { text: string; fingerprint: string; issuedAt: string; expiresAt: string };
  failure?: RequestFailure;
  requestUrl?: string;
  note?: string | null;
}

/**
 * The issue's markdown. Every value a person typed (or a policy sentence quoting one) goes
 * through safe-text: one line each, so no line can start a quick action; escaped, so no
 * mention pings and no reference links; the license in a fence it cannot close.
 */
export function trackerIssueDescription(facts: TrackerIssueFacts): string {
  const lines: string[] = [
    `Emergency license request ${gitlabCode(facts.requestId)}`,
    '',
    `- **Ticket:** ${gitlabLink(facts.ticket.url, `#${facts.ticket.id}`)}`,
    `- **Requested by:** ${gitlabText(facts.requestedBy)}`,
    `- **Customer email:** ${gitlabText(facts.customerEmail)}`,
    `- **Users:** ${facts.userCount}`,
    `- **State:** ${gitlabText(facts.state)}`,
  ];
  if (facts.requestUrl) {
    lines.push(`- **In Lifeline:** ${gitlabLink(facts.requestUrl, facts.requestUrl)}`);
  }
  if (facts.note) lines.push(`- **Note:** ${gitlabText(facts.note)}`);
  lines.push('', '## Decision', '', gitlabText(facts.decision.summary), '');
  for (const rule of facts.decision.rules) {
    lines.push(
      `- ${rule.passed ? '✅' : '❌'} **${gitlabText(rule.rule)}** (${gitlabText(rule.code)}): ${gitlabText(rule.message)}`,
    );
  }
  for (const warning of facts.decision.warnings) lines.push(`- ⚠️ ${gitlabText(warning)}`);
  lines.push('', `Policy version: ${gitlabCode(facts.decision.policyVersion)}`);
  if (facts.failure) {
    lines.push(
      '',
      '## What failed',
      '',
      `- **Step:** ${gitlabText(facts.failure.step)}`,
      `- **Error:** ${gitlabText(facts.failure.message)}`,
      `- **Next:** ${gitlabText(facts.failure.nextAction)}`,
    );
  }
  if (facts.license) {
    lines.push(
      '',
      '## License',
      '',
      `Active at once in every GitLab time zone (starts ${facts.license.issuedAt}); works through ` +
        `${addDays(facts.license.expiresAt as CalendarDate, -1)} (expires at 00:00 on ${facts.license.expiresAt}, server time). ` +
        `Then ${AFTER_TRIAL_ENDS}. SHA-256 ${gitlabCode(facts.license.fingerprint)}.`,
      '',
      gitlabCodeBlock(facts.license.text.trimEnd()),
    );
  }
  return lines.join('\n');
}
