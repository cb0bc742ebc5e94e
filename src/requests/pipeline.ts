import type { JobHandler } from '../jobs/job-handler.js';
import { runBatch } from '../batches/run-batch-step.js';
import type { BatchContext } from '../batches/run-batch.js';
import { runSchedule } from '../schedule/run-schedule-step.js';
import type { ScheduledTask } from '../schedule/scheduler.js';
import type { PipelineContext } from './pipeline-context.js';
import { noteTicket, postNotice } from './steps/announce-steps.js';
import { commentTrackerIssue } from './steps/comment-tracker-issue.js';
import { coverReminder } from './steps/cover-reminder.js';
import { expireApproval } from './steps/expire-approval.js';
import { extendLicense } from './steps/extend-license.js';
import { generateLicense } from './steps/generate-license.js';
import { sendEmail } from './steps/send-email.js';
import { syncTrackerIssue } from './steps/sync-tracker-issue.js';

/**
 * The step registry: every kind of job the worker runs, in the order it offers them slots (the
 * license first). A step's contract is in its own file (src/jobs/step.ts says what it holds);
 * the job kinds, the worker's slots and circuits and the labels people read all derive from this
 * list, so adding a step is its file and one line here. Only the composition root and the
 * derived tables import this file: steps import each other, never the registry.
 */
export const pipeline = [
  generateLicense,
  sendEmail,
  syncTrackerIssue,
  postNotice,
  noteTicket,
  coverReminder,
  commentTrackerIssue,
  expireApproval,
  extendLicense,
  runSchedule,
  runBatch,
] as const;

export type PipelineStep = (typeof pipeline)[number];
export type StepKind = PipelineStep['kind'];

/** What the worker's steps are handed: the request steps' context, the scheduled work, batches. */
export type WorkerContext = PipelineContext & {
  scheduledTasks: readonly ScheduledTask[];
  batches: BatchContext;
};

/** Every step's handler, by kind: what the worker runs. */
export function stepHandlers(ctx: WorkerContext): Record<StepKind, JobHandler> {
  return Object.fromEntries(pipeline.map((step) => [step.kind, step.handler(ctx)])) as Record<
    StepKind,
    JobHandler
  >;
}

/** What a step does, in words that fit "could not …". */
export function stepLabel(kind: string): string | undefined {
  return pipeline.find((step) => step.kind === kind)?.label;
}
