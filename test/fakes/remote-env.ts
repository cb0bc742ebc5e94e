/**
 * One place to point a service at the fakes of the four remote systems (SMTP, GitLab, Slack,
 * Zendesk). The block of settings that does it (SMTP_URL and LIFELINE_MAIL_FROM, GITLAB_URL /
 * GITLAB_TOKEN / GITLAB_PROJECT, SLACK_BOT_TOKEN / SLACK_API_URL, ZENDESK_URL / ZENDESK_EMAIL /
 * ZENDESK_API_TOKEN) was written out by hand in every test and bench that started the fakes;
 * a setting renamed or added then had to be found in each copy. Here it is written once.
 *
 *   const remotes = await startFakeRemotes();           // all four at once; remotes.stop()
 *   await startTestService({ ...fakeRemotesEnv(remotes), LIFELINE_LOG_LEVEL: 'debug' });
 *   fakeRemotesEnv({ smtp }, { mailFrom: 'Support <support@vendor.example>' })   // only SMTP
 *   fakeRemotesEnv({ slack }, { slackChannel: 'C0LIFELINE1' })   // the channel by id
 *   fakeRemotesEnv({ smtp }, { smtpAuth: { user, pass } })       // SMTP_URL with credentials
 *   fakeRemotesEnv(remotes, { via: (url, remote) => proxied })  // each URL through a proxy
 */
import { startGitLabServer, type FakeGitLab } from './gitlab-server.js';
import { startSlackServer, type FakeSlack } from './slack-server.js';
import {
  startFakeSmtpServer,
  type FakeSmtpServer,
  type FakeSmtpServerOptions,
} from './smtp-server.js';
import { startZendeskServer, type FakeZendesk } from './zendesk-server.js';

export type FakeRemoteName = 'smtp' | 'gitlab' | 'slack' | 'zendesk';

/** Whichever fakes a test started; only what the settings need of each. */
export interface FakeRemotesForEnv {
  /** Any SMTP server with a `smtp://host:port` URL (the fake, or a test's own hung one). */
  smtp?: Pick<FakeSmtpServer, 'url'>;
  gitlab?: Pick<FakeGitLab, 'url' | 'token' | 'project'>;
  slack?: Pick<FakeSlack, 'botToken' | 'apiUrl'>;
  zendesk?: Pick<FakeZendesk, 'url' | 'email' | 'apiToken'>;
}

export interface FakeRemotesEnvOptions {
  /** LIFELINE_MAIL_FROM, set with SMTP. Default `Lifeline <lifeline@vendor.example>`. */
  mailFrom?: string;
  /** Put this user and password (URL-encoded) in SMTP_URL, for a fake that wants AUTH. */
  smtpAuth?: { user: string; pass: string };
  /** SLACK_CHANNEL, set with Slack; unset by default (the service's default channel name). */
  slackChannel?: string;
  /** Rewrites each remote's URL, e.g. to send it through a fault proxy. */
  via?: (url: string, remote: FakeRemoteName) => string;
}

/** The settings that point a service at the fakes given, and only at those. */
export function fakeRemotesEnv(
  remotes: FakeRemotesForEnv,
  options: FakeRemotesEnvOptions = {},
): Record<string, string> {
  const via = options.via ?? ((url: string) => url);
  const env: Record<string, string> = {};
  const { smtp, gitlab, slack, zendesk } = remotes;
  if (smtp) {
    const auth = options.smtpAuth;
    const url = auth
      ? smtp.url.replace(
          /^smtp:\/\//,
          `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@`,
        )
      : smtp.url;
    env.SMTP_URL = via(url, 'smtp');
    env.LIFELINE_MAIL_FROM = options.mailFrom ?? 'Lifeline <lifeline@vendor.example>';
  }
  if (gitlab) {
    env.GITLAB_URL = via(gitlab.url, 'gitlab');
    env.GITLAB_TOKEN = gitlab.token;
    env.GITLAB_PROJECT = gitlab.project.path;
  }
  if (slack) {
    env.SLACK_BOT_TOKEN = slack.botToken;
    env.SLACK_API_URL = via(slack.apiUrl, 'slack');
    if (options.slackChannel !== undefined) env.SLACK_CHANNEL = options.slackChannel;
  }
  if (zendesk) {
    env.ZENDESK_URL = via(zendesk.url, 'zendesk');
    env.ZENDESK_EMAIL = zendesk.email;
    env.ZENDESK_API_TOKEN = zendesk.apiToken;
  }
  return env;
}

export interface FakeRemotes {
  smtp: FakeSmtpServer;
  gitlab: FakeGitLab;
  slack: FakeSlack;
  zendesk: FakeZendesk;
  /** Stops all four at once. */
  stop(): Promise<void>;
}

/** Starts the four fakes at once, each with its defaults (SMTP with `options.smtp`). */
export async function startFakeRemotes(
  options: { smtp?: FakeSmtpServerOptions } = {},
): Promise<FakeRemotes> {
  const [smtp, gitlab, slack, zendesk] = await Promise.all([
    startFakeSmtpServer(options.smtp),
    startGitLabServer(),
    startSlackServer(),
    startZendeskServer(),
  ]);
  return {
    smtp,
    gitlab,
    slack,
    zendesk,
    stop: async () => {
      await Promise.all([smtp.stop(), gitlab.stop(), slack.stop(), zendesk.stop()]);
    },
  };
}
