import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createOutboxMailer } from '../adapters/mail/outbox-mailer.js';
import { createSmtpMailer } from '../adapters/mail/smtp-mailer.js';
import { parseSmtpSettings, DEFAULT_OUTBOX_MAIL_FROM } from '../adapters/mail/smtp-settings.js';
import type { Mailer } from '../ports/mailer.js';
import { messageIdDomainOf } from '../adapters/mail/message-id.js';
import type { NoticeChannel } from '../ports/notice-channel.js';
import { createSlackNotice } from '../adapters/notice/slack-notice.js';
import { parseSlackSettings } from '../adapters/notice/slack-settings.js';
import { timelineNotice } from '../adapters/notice/timeline-notice.js';
import type { TicketDesk } from '../ports/ticket-desk.js';
import { timelineTicketDesk } from '../adapters/ticket/timeline-ticket-desk.js';
import { createZendeskTicketDesk } from '../adapters/ticket/zendesk-ticket-desk.js';
import { parseZendeskSettings } from '../adapters/ticket/zendesk-settings.js';
import { createBuiltinTracker } from '../adapters/tracker/builtin-tracker.js';
import { GitLabTracker } from '../adapters/tracker/gitlab-tracker.js';
import { parseGitLabSettings } from '../adapters/tracker/gitlab-settings.js';
import type { Tracker } from '../ports/tracker.js';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';

export interface Adapters {
  mailer: Mailer;
  mail: { from: string; replyTo?: string; messageIdDomain: string };
  /** Typed by the store's transactions, which the built-in tracker writes in. */
  tracker: Tracker<Kysely<Database>>;
  notice: NoticeChannel;
  ticketDesk: TicketDesk;
  /** Human names of where things go, for delivery records and `doctor`. */
  destinations: { mail: string; tracker: string; notice: string; ticket: string };
}

type MailAdapter = Pick<Adapters, 'mailer' | 'mail'> & { destination: string };

/** Mail: SMTP when configured, else the outbox folder in the data directory. */
export function buildMail(config: Config, logger: Logger): MailAdapter {
  const env = config.env;
  const smtp = parseSmtpSettings(env);
  const outboxDirectory = join(config.dataDir, 'outbox');
  const mailer = smtp
    ? createSmtpMailer(smtp, { logger })
    : createOutboxMailer({ directory: outboxDirectory, directorySetting: 'LIFELINE_DATA_DIR' });
  const from = smtp?.from ?? env.LIFELINE_MAIL_FROM ?? DEFAULT_OUTBOX_MAIL_FROM;
  const replyTo = smtp?.replyTo ?? env.LIFELINE_MAIL_REPLY_TO;
  return {
    mailer,
    mail: { from, ...(replyTo && { replyTo }), messageIdDomain: messageIdDomainOf(from) },
    destination: smtp ? `SMTP ${smtp.server}` : `outbox ${outboxDirectory}`,
  };
}

/** The request tracker: a GitLab project when configured, else the built-in one. */
export function buildTracker(
  config: Config,
  store: Store,
): { tracker: Tracker<Kysely<Database>>; destination: string } {
  const gitlab = parseGitLabSettings(config.env);
  return gitlab
    ? { tracker: new GitLabTracker(gitlab), destination: `GitLab ${gitlab.url}/${gitlab.project}` }
    : { tracker: createBuiltinTracker(store), destination: 'built-in tracker' };
}

/** The licensing channel: Slack when configured, else the request's timeline only. */
export function buildNotice(
  config: Config,
  logger?: Logger,
): { notice: NoticeChannel; destination: string } {
  const slack = parseSlackSettings(config.env);
  return slack
    ? {
        notice: createSlackNotice(slack, { ...(logger && { logger }) }),
        destination: `Slack ${slack.channel ?? 'incoming webhook'}`,
      }
    : { notice: timelineNotice(), destination: 'timeline only (Slack not configured)' };
}

/** The ticket desk: Zendesk when configured, else the request's timeline only. */
export function buildTicketDesk(config: Config): { ticketDesk: TicketDesk; destination: string } {
  const zendesk = parseZendeskSettings(config.env);
  return zendesk
    ? { ticketDesk: createZendeskTicketDesk(zendesk), destination: `Zendesk ${zendesk.url}` }
    : { ticketDesk: timelineTicketDesk(), destination: 'timeline only (Zendesk not configured)' };
}

/**
 * The outside world, as configured: each system is optional, and what is not configured keeps
 * the embedded behaviour (mail outbox, built-in tracker, timeline-only notices and notes).
 * Each system is built on its own so `doctor` can check the others when one is misconfigured.
 */
export function buildAdapters(config: Config, store: Store, logger: Logger): Adapters {
  const mail = buildMail(config, logger);
  const tracker = buildTracker(config, store);
  const notice = buildNotice(config, logger);
  const ticket = buildTicketDesk(config);
  return {
    mailer: mail.mailer,
    mail: mail.mail,
    tracker: tracker.tracker,
    notice: notice.notice,
    ticketDesk: ticket.ticketDesk,
    destinations: {
      mail: mail.destination,
      tracker: tracker.destination,
      notice: notice.destination,
      ticket: ticket.destination,
    },
  };
}
