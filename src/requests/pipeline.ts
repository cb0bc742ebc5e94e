import type { JobHandlers } from '../jobs/job-handler.js';
import type { PipelineContext } from './pipeline-context.js';
import { noteTicketStep, postNoticeStep } from './steps/announce-steps.js';
import { commentTrackerIssueStep } from './steps/comment-tracker-issue.js';
import { coverReminderStep } from './steps/cover-reminder.js';
import { expireApprovalStep } from './steps/expire-approval.js';
import { generateLicenseStep } from './steps/generate-license.js';
import { sendEmailStep } from './steps/send-email.js';
import { syncTrackerIssueStep } from './steps/sync-tracker-issue.js';

/** The steps of a request, by job kind: what the worker runs. */
export function requestPipeline(ctx: PipelineContext): JobHandlers {
  return {
    generate_license: generateLicenseStep(ctx),
    send_email: sendEmailStep(ctx),
    sync_tracker_issue: syncTrackerIssueStep(ctx),
    post_notice: postNoticeStep(ctx),
    note_ticket: noteTicketStep(ctx),
    cover_reminder: coverReminderStep(ctx),
    comment_tracker_issue: commentTrackerIssueStep(ctx),
    expire_approval: expireApprovalStep(ctx),
  };
}
