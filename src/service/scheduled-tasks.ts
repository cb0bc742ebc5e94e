import { postAuditHeadWork } from '../audit/audit-head-notice.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { NoticeChannel } from '../delivery/notice/notice-channel.js';
import type { ScheduledTask } from '../schedule/scheduler.js';
import type { Store } from '../store/database.js';

/** The recurring work the configuration switches on, wired to its adapters. */
export function scheduledTasks(
  config: Config,
  deps: { store: Store; clock: Clock; notice: NoticeChannel },
): ScheduledTask[] {
  const tasks: ScheduledTask[] = [];
  const { auditHead } = config.schedules;
  if (auditHead) tasks.push({ schedule: auditHead, work: postAuditHeadWork(deps) });
  return tasks;
}
