import { postAuditHeadWork } from '../audit/audit-head-notice.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Mailer } from '../ports/mailer.js';
import type { NoticeChannel } from '../ports/notice-channel.js';
import { handoffWork } from '../handoff/handoff-work.js';
import type { ScheduledTask } from '../schedule/scheduler.js';
import type { Store } from '../store/database.js';

/** The recurring work the configuration switches on, wired to its adapters. */
export function scheduledTasks(
  config: Config,
  deps: {
    store: Store;
    clock: Clock;
    notice: NoticeChannel;
    mailer: Mailer;
    mail: { from: string; replyTo?: string; messageIdDomain: string };
  },
): ScheduledTask[] {
  const tasks: ScheduledTask[] = [];
  const { auditHead, handoff } = config.schedules;
  if (auditHead) tasks.push({ schedule: auditHead, work: postAuditHeadWork(deps) });
  if (handoff) {
    tasks.push({
      schedule: handoff,
      work: handoffWork({ ...deps, emails: config.values.LIFELINE_HANDOFF_EMAILS }),
    });
  }
  return tasks;
}
