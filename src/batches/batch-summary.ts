import {
  gitlabCode,
  gitlabLink,
  gitlabText,
  oneLine,
  slackLink,
  slackText,
} from '../adapters/safe-text/index.js';
import type { NoticeText } from '../ports/notice-channel.js';
import type { TrackerIssueDraft } from '../ports/tracker.js';
import type { BatchCounts } from './batch.js';

/** What the batch's one notice and one tracker issue say once its rows are done. Pure. */
export interface BatchSummary {
  id: string;
  fileName: string;
  reason: string;
  createdBy: string;
  counts: BatchCounts;
  /** The batch's page in the console, when the public URL is configured. */
  url?: string;
  /** The full report (CSV), when the public URL is configured. */
  reportUrl?: string;
}

function countLine(counts: BatchCounts): string {
  return [
    `${counts.issued} issued`,
    `${counts.awaitingApproval} awaiting approval`,
    `${counts.refused} refused`,
    `${counts.failed} failed`,
    `${counts.invalid} invalid`,
  ].join(', ');
}

export function batchTrackerDraft(summary: BatchSummary): TrackerIssueDraft {
  const { counts } = summary;
  const needsPerson = counts.failed + counts.awaitingApproval > 0;
  const lines = [
    `Batch ${gitlabCode(summary.id)} from ${gitlabCode(summary.fileName)}, started by ${gitlabText(summary.createdBy)}.`,
    '',
    `**Reason:** ${gitlabText(summary.reason)}`,
    '',
    `**Rows:** ${counts.rows}: ${gitlabText(countLine(counts))}.`,
    '',
    ...(summary.url ? [`Rows and their requests: ${gitlabLink(summary.url, 'the batch')}`] : []),
    ...(summary.reportUrl ? [`Report: ${gitlabLink(summary.reportUrl, 'report.csv')}`] : []),
    ...(needsPerson
      ? ['', 'Open while rows failed or wait for an approver: each row has its own request.']
      : []),
  ];
  return {
    requestId: `batch:${summary.id}`,
    title: `[Batch] - ${counts.issued} of ${counts.rows} rows issued from ${oneLine(summary.fileName)}`,
    description: lines.join('\n'),
    state: needsPerson ? 'open' : 'closed',
  };
}

export function batchNotice(summary: BatchSummary, trackerIssueUrl?: string): NoticeText {
  const { counts } = summary;
  const headline = `Batch ${summary.fileName} finished: ${countLine(counts)} (of ${counts.rows} rows)`;
  const links = [
    summary.url ? slackLink(summary.url, 'the batch') : undefined,
    summary.reportUrl ? slackLink(summary.reportUrl, 'report.csv') : undefined,
    trackerIssueUrl ? slackLink(trackerIssueUrl, 'tracker issue') : undefined,
  ].filter((link): link is string => link !== undefined);
  return {
    // Slack reads the notification text as mrkdwn too: `<!channel>` in a file name would ping.
    summary: slackText(headline),
    text: [
      `*Batch ${slackText(summary.fileName)}* started by ${slackText(summary.createdBy)} has finished.`,
      `Reason: ${slackText(summary.reason)}`,
      `${slackText(countLine(counts))} (of ${counts.rows} rows).`,
      ...(links.length > 0 ? [links.join(' · ')] : []),
    ].join('\n'),
  };
}
