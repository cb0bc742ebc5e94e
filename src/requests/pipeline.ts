import { forRequests, type JobHandlers } from '../jobs/job-handler.js';
import type { PipelineContext } from './pipeline-context.js';
import { noteTicketStep, postNoticeStep } from './steps/announce-steps.js';
import { commentTrackerIssueStep } from './steps/comment-tracker-issue.js';
import { coverReminderStep } from './steps/cover-reminder.js';
import { expireApprovalStep } from './steps/expire-approval.js';
import { generateLicenseStep } from './steps/generate-license.js';
import { sendEmailStep } from './steps/send-email.js';
import { syncTrackerIssueStep } from './steps/sync-tracker-issue.js';

export type RequestJobHandlers = Omit<JobHandlers, 'run_schedule' | 'run_batch'>;

/** The steps of a request, by job kind: what the worker runs besides scheduled work. */
export function requestPipeline(ctx: PipelineContext): RequestJobHandlers {
  return {
    generate_license: forRequests(generateLicenseStep(ctx)),
    send_email: forRequests(sendEmailStep(ctx)),
    sync_tracker_issue: forRequests(syncTrackerIssueStep(ctx)),
    post_notice: forRequests(postNoticeStep(ctx)),
    note_ticket: forRequests(noteTicketStep(ctx)),
    cover_reminder: forRequests(coverReminderStep(ctx)),
    comment_tracker_issue: forRequests(commentTrackerIssueStep(ctx)),
    expire_approval: forRequests(expireApprovalStep(ctx)),
  };
}
