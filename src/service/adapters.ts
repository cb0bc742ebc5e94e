import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createOutboxMailer } from '../delivery/mail/outbox-mailer.js';
import { createSmtpMailer } from '../delivery/mail/smtp-mailer.js';
import { parseSmtpSettings, DEFAULT_OUTBOX_MAIL_FROM } from '../delivery/mail/smtp-settings.js';
import type { Mailer } from '../delivery/mail/mailer.js';
import { messageIdDomainOf } from '../delivery/mail/message-id.js';
import type { NoticeChannel } from '../delivery/notice/notice-channel.js';
import { createSlackNotice } from '../delivery/notice/slack-notice.js';
import { parseSlackSettings } from '../delivery/notice/slack-settings.js';
import { timelineNotice } from '../delivery/notice/timeline-notice.js';
import type { TicketDesk } from '../delivery/ticket/ticket-desk.js';
import { timelineTicketDesk } from '../delivery/ticket/timeline-ticket-desk.js';
import { createZendeskTicketDesk } from '../delivery/ticket/zendesk-ticket-desk.js';
import { parseZendeskSettings } from '../delivery/ticket/zendesk-settings.js';
import { createBuiltinTracker } from '../delivery/tracker/builtin-tracker.js';
import { GitLabTracker } from '../delivery/tracker/gitlab-tracker.js';
import { parseGitLabSettings } from '../delivery/tracker/gitlab-settings.js';
import type { Tracker } from '../delivery/tracker/tracker.js';
import type { Store } from '../store/database.js';

export interface Adapters {
  mailer: Mailer;
  mail: { from: string; replyTo?: string; messageIdDomain: string };
  tracker: Tracker;
  notice: NoticeChannel;
  ticketDesk: TicketDesk;
  /** Human names of where things go, for delivery records and `doctor`. */
  destinations: { mail: string; tracker: string; notice: string; ticket: string };
}

/**
 * The outside world, as configured: each system is optional, and what is not configured keeps
 * the embedded behaviour (mail outbox, built-in tracker, timeline-only notices and notes).
 */
export function buildAdapters(config: Config, store: Store, logger: Logger): Adapters {
  const env = config.env;
  const smtp = parseSmtpSettings(env);
  const outboxDirectory = join(config.dataDir, 'outbox');
  const mailer = smtp
    ? createSmtpMailer(smtp, { logger })
    : createOutboxMailer({ directory: outboxDirectory, directorySetting: 'LIFELINE_DATA_DIR' });
  const from = smtp?.from ?? env.LIFELINE_MAIL_FROM ?? DEFAULT_OUTBOX_MAIL_FROM;
  const replyTo = smtp?.replyTo ?? env.LIFELINE_MAIL_REPLY_TO;

  const gitlab = parseGitLabSettings(env);
  const tracker = gitlab ? new GitLabTracker(gitlab) : createBuiltinTracker(store);

  const slack = parseSlackSettings(env);
  const notice = slack ? createSlackNotice(slack) : timelineNotice();

  const zendesk = parseZendeskSettings(env);
  const ticketDesk = zendesk ? createZendeskTicketDesk(zendesk) : timelineTicketDesk();

  return {
    mailer,
    mail: { from, ...(replyTo && { replyTo }), messageIdDomain: messageIdDomainOf(from) },
    tracker,
    notice,
    ticketDesk,
    destinations: {
      mail: smtp ? `SMTP ${smtp.server}` : `outbox ${outboxDirectory}`,
      tracker: gitlab ? `GitLab ${gitlab.url}/${gitlab.project}` : 'built-in tracker',
      notice: slack
        ? `Slack ${slack.channel ?? 'incoming webhook'}`
        : 'timeline only (Slack not configured)',
      ticket: zendesk ? `Zendesk ${zendesk.url}` : 'timeline only (Zendesk not configured)',
    },
  };
}
