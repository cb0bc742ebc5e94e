import { addDays, AFTER_TRIAL_ENDS } from '../license/index.js';
import type { CalendarDate } from '../license/index.js';
import type { Decision } from '../policy/index.js';
import type { RequestFailure, RequestState } from './request.js';

/**
 * The tracker issue of a request: the titles are the ones the support handbook tells people to
 * search for, so they are exact.
 */
export function trackerIssueTitle(state: RequestState, email: string, userCount: number): string {
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

export function trackerIssueDescription(facts: TrackerIssueFacts): string {
  const lines: string[] = [
    `Emergency license request \`${facts.requestId}\``,
    '',
    `- **Ticket:** [${facts.ticket.id}](${facts.ticket.url})`,
    `- **Requested by:** ${facts.requestedBy}`,
    `- **Customer email:** ${facts.customerEmail}`,
    `- **Users:** ${facts.userCount}`,
    `- **State:** ${facts.state}`,
  ];
  if (facts.requestUrl) lines.push(`- **In Lifeline:** ${facts.requestUrl}`);
  if (facts.note) lines.push(`- **Note:** ${facts.note}`);
  lines.push('', '## Decision', '', facts.decision.summary, '');
  for (const rule of facts.decision.rules) {
    lines.push(`- ${rule.passed ? '✅' : '❌'} **${rule.rule}** (${rule.code}): ${rule.message}`);
  }
  for (const warning of facts.decision.warnings) lines.push(`- ⚠️ ${warning}`);
  lines.push('', `Policy version: \`${facts.decision.policyVersion}\``);
  if (facts.failure) {
    lines.push(
      '',
      '## What failed',
      '',
      `- **Step:** ${facts.failure.step}`,
      `- **Error:** ${facts.failure.message}`,
      `- **Next:** ${facts.failure.nextAction}`,
    );
  }
  if (facts.license) {
    lines.push(
      '',
      '## License',
      '',
      `Active at once in every GitLab time zone (starts ${facts.license.issuedAt}); works through ` +
        `${addDays(facts.license.expiresAt as CalendarDate, -1)} (expires at 00:00 on ${facts.license.expiresAt}, server time). ` +
        `Then ${AFTER_TRIAL_ENDS}. SHA-256 \`${facts.license.fingerprint}\`.`,
      '',
      '```',
      facts.license.text.trimEnd(),
      '```',
    );
  }
  return lines.join('\n');
}
