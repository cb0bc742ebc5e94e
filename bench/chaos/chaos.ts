/**
 * The chaos run: a real Lifeline (one API process, worker processes) on SQLite or PostgreSQL,
 * with SMTP, GitLab, Slack and Zendesk fakes behind fault proxies, takes a few hundred requests
 * while the seeded plan (schedule.ts) kills workers, hangs and refuses each remote, adds a
 * worker whose clock is five minutes fast and fills the data disk. Then the faults stop, the
 * service is given time to recover, and verdict.ts judges what came out.
 */
import { fileURLToPath } from 'node:url';
import { createApiToken } from '../../src/access/api-tokens.js';
import { systemClock } from '../../src/clock.js';
import { addDays } from '../../src/license/index.js';
import type { FakeGitLab } from '../../test/fakes/gitlab-server.js';
import { fakeRemotesEnv, startFakeRemotes } from '../../test/fakes/remote-env.js';
import type { FakeSlack } from '../../test/fakes/slack-server.js';
import type { FakeSmtpServer } from '../../test/fakes/smtp-server.js';
import type { FakeZendesk } from '../../test/fakes/zendesk-server.js';
import type { LifelineProcess } from '../../test/support/process.js';
import { startCluster, type Cluster } from '../../test/scale/cluster.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { prepareDataDisk } from './full-disk.js';
import { planChaos, type Fault, type Remote } from './schedule.js';
import {
  judge,
  noteOutcome,
  noticeOutcome,
  type Announcement,
  type ChaosFigures,
  type Observed,
} from './verdict.js';

export interface ChaosOptions {
  seed: number;
  requests: number;
  /** How long requests arrive and faults happen. */
  durationMs: number;
  /** PostgreSQL server to make a fresh database on; SQLite when absent. */
  adminDatabaseUrl?: string;
  workers?: number;
  /** Start the skewed worker on SQLite too (where no real deployment can have one): see schedule.ts. */
  skewOnSqlite?: boolean;
  /** How long the service may take to finish everything after the last fault. */
  recoveryMs?: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  figures: ChaosFigures & { seconds: number; approvedAfterRecovery: number };
  problems: string[];
}

const skewPreload = fileURLToPath(new URL('./skewed-clock.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const workerCount = options.workers ?? 2;
  const started = Date.now();
  const disk = await prepareDataDisk(options.adminDatabaseUrl);
  const plan = planChaos({
    seed: options.seed,
    requests: options.requests,
    durationMs: options.durationMs,
    workers: workerCount,
    fullDisk: disk.fillable,
    skewedWorker: options.adminDatabaseUrl !== undefined || options.skewOnSqlite === true,
  });
  if (!disk.fillable) log('chaos: not root, so no tmpfs to fill: the full-disk fault is left out');
  log(
    `chaos: seed ${plan.seed}, ${plan.submissions.length} requests, faults:\n${plan.faults.map(describe).join('\n')}`,
  );

  const remotes = await startFakeRemotes();
  const { smtp, gitlab, slack, zendesk } = remotes;
  const port = (url: string) => Number(new URL(url).port);
  const proxies: Record<Remote, FaultProxy> = {
    smtp: await startFaultProxy(smtp.port),
    gitlab: await startFaultProxy(port(gitlab.url)),
    slack: await startFaultProxy(port(slack.url)),
    zendesk: await startFaultProxy(port(zendesk.url)),
  };
  const via = (url: string, remote: Remote) => {
    const proxied = new URL(url);
    proxied.port = String(proxies[remote].port);
    return proxied.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  };
  const arrivals = stampArrivals(() => smtp.messages.length);
  const noticeArrivals = stampArrivals(() => slack.messages.length);
  const outside: Outside = { smtp, arrivals, gitlab, slack, noticeArrivals, zendesk };
  const kills: number[] = [];
  const mailFaults: number[] = [];
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({
      databaseUrl: disk.databaseUrl,
      apis: 1,
      workers: workerCount,
      env: {
        // Every remote through its fault proxy. The channel by id, not by name: a retried
        // notice reads the channel's history, which takes ids only.
        ...fakeRemotesEnv(remotes, { via, slackChannel: 'C0LIFELINE1' }),
        // A hung SMTP server is given up on sooner than in production, so the run stays short.
        SMTP_CONNECTION_TIMEOUT_MS: '2000',
        SMTP_GREETING_TIMEOUT_MS: '2000',
        SMTP_SOCKET_TIMEOUT_MS: '4000',
        SMTP_SEND_TIMEOUT_MS: '6000',
        LIFELINE_PUBLIC_URL: 'https://lifeline.vendor.example',
        LIFELINE_RATE_LIMIT_PER_MINUTE: '100000',
        // Hundreds of requests by one engineer in minutes: the daily caps would hold them all.
        LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '1000000',
        LIFELINE_APPROVAL_DAILY_CAP_DESK: '10000000',
        // A killed worker's steps are taken over after ten seconds, not thirty; a step waits out
        // a full disk for half of that before giving its job back (record-after-delivery.ts).
        LIFELINE_JOB_LEASE_MS: '10000',
        LIFELINE_JOB_POLL_MS: '100',
        LIFELINE_RETRY_BASE_MS: '200',
        LIFELINE_RETRY_MAX_MS: '3000',
      },
    });
    const running = cluster;
    const mailLog = watchMailLog();
    const slots: LifelineProcess[] = [...running.workers].map((worker) => mailLog.watch(worker));
    const slotTurns: Array<Promise<void>> = [];

    const submissions: Observed['submissions'] = plan.submissions.map(() => ({}));
    const customers = plan.submissions.map((_, i) => {
      const ticketId = 10_000 + i;
      zendesk.addTicket(ticketId);
      // The customer's screenshots are on the ticket, so the evidence rule can see them.
      zendesk.attach(ticketId, screenshots(i));
      return chaosRequest(i, plan.seed, ticketId, zendesk.url);
    });
    const busy: Record<string, number> = {};
    const t0 = Date.now();
    const until = (atMs: number) => sleep(Math.max(0, t0 + atMs - Date.now()));
    const submitting = plan.submissions.map(async (atMs, i) => {
      await until(atMs);
      submissions[i] = await submitPatiently(
        running,
        customers[i],
        `chaos-${plan.seed}-${i}`,
        busy,
      );
    });
    const faulting = plan.faults.map(async (fault) => {
      await until(fault.atMs);
      log(`chaos: +${Date.now() - t0} ms ${describe(fault)}`);
      switch (fault.kind) {
        case 'kill-worker': {
          // One slot is killed and restarted at a time: a second kill waits for the restart.
          const index = fault.worker % slots.length;
          const turn = (slotTurns[index] ?? Promise.resolve()).then(async () => {
            kills.push(Date.now());
            await slots[index]?.kill('SIGKILL');
            await sleep(fault.forMs);
            slots[index] = mailLog.watch(running.addWorker());
          });
          slotTurns[index] = turn;
          await turn;
          break;
        }
        case 'hang':
        case 'refuse':
          // Two faults of one remote never overlap in a way that matters: the later one wins.
          if (fault.remote === 'smtp') mailFaults.push(Date.now());
          await proxies[fault.remote].setMode(fault.kind);
          await sleep(fault.forMs);
          await proxies[fault.remote].setMode('pass');
          break;
        case 'skewed-worker':
          mailLog.watch(
            running.addWorker({
              NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${skewPreload}`.trim(),
              LIFELINE_CHAOS_CLOCK_OFFSET_MS: String(fault.offsetMs),
            }),
          );
          break;
        case 'full-disk':
          await disk.fill();
          await sleep(fault.forMs);
          disk.free();
          break;
      }
    });
    await Promise.all([...submitting, ...faulting]);
    log(
      `chaos: +${Date.now() - t0} ms faults over, ${submissions.filter((s) => s.id).length} accepted; recovering`,
    );

    // What was held because Zendesk could not be asked at submission is approved, as the
    // licensing team would on Monday, by someone other than the requester.
    const approvedAfterRecovery = await approveUnchecked(running, submissions, log);

    const deadline = Date.now() + (options.recoveryMs ?? 150_000);
    let observed = await observe(running, submissions, outside, kills, t0, mailFaults);
    while (Date.now() < deadline && judge(observed).figures.unfinished > 0) {
      await sleep(1_000);
      observed = await observe(running, submissions, outside, kills, t0, mailFaults);
    }
    // Late copies of an email arrive after everything is recorded: give them a moment.
    await sleep(2_000);
    observed = await observe(running, submissions, outside, kills, t0, mailFaults);
    const { figures, problems } = judge(observed);
    log(
      `chaos: ${kills.length} workers killed; connections held by hangs: ` +
        Object.entries(proxies)
          .map(([remote, proxy]) => `${remote} ${proxy.stats.held}/${proxy.stats.connections}`)
          .join(', ') +
        `; answers sent again: ${JSON.stringify(busy)}; ${smtp.messages.length} emails, ` +
        `${observed.notices.length} notices and ${observed.notes.length} ticket notes received`,
    );
    if (figures.unfinished > 0) problems.push(`logs:\n${running.logs().slice(-8_000)}`);
    // What the workers said of each request sent twice: its sends, timeouts and circuits.
    const duplicated = new Set(
      problems.flatMap((problem) => /^duplicate [a-z ]+: request (\S+)/.exec(problem)?.[1] ?? []),
    );
    for (const id of duplicated)
      problems.push(`worker log of ${id}:\n${mailLog.about(id, t0).join('\n')}`);
    return {
      figures: {
        ...figures,
        seconds: Math.round((Date.now() - started) / 1000),
        approvedAfterRecovery,
      },
      problems,
    };
  } finally {
    await cluster?.stop();
    await Promise.all(Object.values(proxies).map((proxy) => proxy.stop()));
    await remotes.stop();
    arrivals.stop();
    noticeArrivals.stop();
    await disk.remove();
  }
}

function describe(fault: Fault): string {
  const at = `at ${(fault.atMs / 1000).toFixed(1)} s for ${(fault.forMs / 1000).toFixed(1)} s`;
  switch (fault.kind) {
    case 'kill-worker':
      return `  SIGKILL worker ${fault.worker}, restarted ${at}`;
    case 'hang':
    case 'refuse':
      return `  ${fault.remote} ${fault.kind}s ${at}`;
    case 'skewed-worker':
      return `  a worker ${fault.offsetMs / 1000} s fast joins ${at}`;
    case 'full-disk':
      return `  the data disk is full ${at}`;
  }
}

/** Two small PNG screenshots of the customer's admin area, different per ticket. */
function screenshots(index: number) {
  const png = (n: number) =>
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(`chaos screenshot ${index}-${n}`),
    ]);
  return [1, 2].map((n) => ({
    fileName: `license-page-${n}.png`,
    contentType: 'image/png',
    content: png(n),
  }));
}

/**
 * Approves, with an approver's token, every accepted request still held only because the
 * ticket could not be checked (TICKET_NOT_CHECKED). Anything held for another reason is left
 * alone: the verdict then counts it as unfinished. Returns how many were approved.
 */
async function approveUnchecked(
  cluster: Cluster,
  submissions: Observed['submissions'],
  log: (line: string) => void,
): Promise<number> {
  const ids = submissions.flatMap((s) => (s.id ? [s.id] : []));
  if (ids.length === 0) return 0;
  const held = await cluster.store.db
    .selectFrom('approvals')
    .innerJoin('requests', 'requests.id', 'approvals.request_id')
    .select(['approvals.request_id as id', 'approvals.reasons'])
    .where('requests.state', '=', 'awaiting_approval')
    .where('approvals.verdict', 'is', null)
    .where('approvals.request_id', 'in', ids)
    .execute();
  const unchecked = held.filter((row) =>
    (JSON.parse(row.reasons) as Array<{ code: string }>).every(
      (reason) => reason.code === 'TICKET_NOT_CHECKED',
    ),
  );
  if (held.length > unchecked.length)
    log(`chaos: ${held.length - unchecked.length} requests held for other reasons are left held`);
  if (unchecked.length === 0) return 0;
  const { token } = await createApiToken(
    cluster.store.db,
    { name: 'licensing-team', owner: 'licensing-lead', role: 'approver' },
    Date.now(),
  );
  let approved = 0;
  for (const { id } of unchecked) {
    const answer = await postPatiently(
      `${cluster.urls[0] ?? ''}/api/v1/requests/${id}/approve`,
      token,
      {
        reason:
          'Zendesk was down at submission; the screenshots on the ticket were checked by hand.',
      },
    );
    if (answer.ok) approved += 1;
    else log(`chaos: approving ${id} failed: ${answer.last}`);
  }
  log(`chaos: ${approved} requests held while Zendesk was unreachable approved after recovery`);
  return approved;
}

/** POSTs until a 2xx, retrying busy answers and dropped connections for up to a minute. */
async function postPatiently(
  url: string,
  token: string,
  body: unknown,
): Promise<{ ok: boolean; last: string }> {
  const giveUpAt = Date.now() + 60_000;
  let last = '';
  while (Date.now() < giveUpAt) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.ok) return { ok: true, last: text };
      last = `${response.status} ${text.slice(0, 300)}`;
      if (response.status < 500 && response.status !== 429) return { ok: false, last };
    } catch (error) {
      last = String(error);
    }
    await sleep(500);
  }
  return { ok: false, last };
}

/** An eligible request of a customer of its own (the repeat rule refuses a second per domain). */
function chaosRequest(index: number, seed: number, ticketId: number, zendeskUrl: string) {
  const today = systemClock.today();
  return {
    ticket: { id: String(ticketId), url: `${zendeskUrl}/agent/tickets/${ticketId}` },
    requestedBy: 'oncall-engineer',
    customerEmail: `admin@c${index}-s${seed}.example`,
    userCount: 100 + index,
    evidence: {
      plan: 'premium',
      expiredOn: addDays(today, -16),
      licensedUsers: 480,
      maximumUsers: 100 + index,
      screenshotsAttached: true,
    },
  };
}

/**
 * A client that wants its request through: it sends it again under the same Idempotency-Key
 * after a busy answer (503, 429), a server error or a dropped connection, for up to two minutes.
 * It waits at most a second between tries, whatever Retry-After says, to press the service.
 */
async function submitPatiently(
  cluster: Cluster,
  body: unknown,
  key: string,
  busy: Record<string, number>,
): Promise<{ id?: string; refusal?: string }> {
  const url = `${cluster.urls[0] ?? ''}/api/v1/requests`;
  const giveUpAt = Date.now() + 120_000;
  let last = '';
  while (Date.now() < giveUpAt) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${cluster.token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status === 200 || response.status === 201 || response.status === 202) {
        return { id: (JSON.parse(text) as { id: string }).id };
      }
      last = `${response.status} ${text.slice(0, 300)}`;
      if (response.status < 500 && response.status !== 429) return { refusal: last };
      const reason = `${response.status} ${/"code":"([A-Z_]+)"/.exec(text)?.[1] ?? ''}`.trim();
      busy[reason] = (busy[reason] ?? 0) + 1;
      const retryAfter = Number(response.headers.get('retry-after') ?? '1');
      await sleep(Math.min(1_000, Math.max(100, retryAfter * 1000)));
    } catch (error) {
      last = String(error);
      busy['no answer'] = (busy['no answer'] ?? 0) + 1;
      await sleep(500);
    }
  }
  return { refusal: `gave up after two minutes: ${last}` };
}

/**
 * When each message reached a fake that keeps no time of its own (SMTP), or only to the second
 * (Slack's ts): polled every 50 ms.
 */
function stampArrivals(received: () => number): { at: number[]; stop(): void } {
  const at: number[] = [];
  const timer = setInterval(() => {
    while (at.length < received()) at.push(Date.now());
  }, 50);
  return { at, stop: () => clearInterval(timer) };
}

/**
 * The workers' log lines about sending and about circuits, with the time they were read, kept
 * whole for the run (the cluster keeps only each process's tail): how a duplicate came about.
 */
function watchMailLog() {
  const lines: Array<{ at: number; line: string }> = [];
  const circuitNews = /circuit|keeps not answering/;
  return {
    watch(worker: LifelineProcess): LifelineProcess {
      let partial = '';
      worker.child.stdout?.on('data', (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        const whole = text.split('\n');
        partial = whole.pop() ?? '';
        for (const line of whole)
          if (/messageId|"request"/.test(line) || circuitNews.test(line))
            lines.push({ at: Date.now(), line: line.slice(0, 600) });
      });
      return worker;
    },
    about(requestId: string, origin: number): string[] {
      return lines
        .filter(({ line }) => line.includes(requestId) || circuitNews.test(line))
        .map(({ at, line }) => `+${at - origin} ms ${line}`);
    },
  };
}

/** The fakes the verdict reads what the outside received from. */
interface Outside {
  smtp: FakeSmtpServer;
  arrivals: { at: number[] };
  gitlab: FakeGitLab;
  slack: FakeSlack;
  noticeArrivals: { at: number[] };
  zendesk: FakeZendesk;
}

function noticesOf(slack: FakeSlack, arrivals: { at: number[] }): Announcement[] {
  return slack.messages.flatMap((message, i) => {
    const announced = noticeOutcome(message.blocks);
    return announced ? [{ ...announced, receivedAt: arrivals.at[i] ?? Date.now() }] : [];
  });
}

function notesOf(zendesk: FakeZendesk): Announcement[] {
  return [...zendesk.tickets.values()].flatMap((ticket) =>
    ticket.comments.flatMap((comment) => {
      const noted = noteOutcome(comment.plain_body);
      return noted ? [{ ...noted, receivedAt: Date.parse(comment.created_at) }] : [];
    }),
  );
}

async function observe(
  cluster: Cluster,
  submissions: Observed['submissions'],
  { smtp, arrivals, gitlab, slack, noticeArrivals, zendesk }: Outside,
  kills: number[],
  origin: number,
  mailFaults: number[],
): Promise<Observed> {
  const db = cluster.store.db;
  const observedAt = Date.now();
  const [requests, licenses, jobs] = await Promise.all([
    db
      .selectFrom('requests')
      .select(['id', 'state', 'customer_email', 'tracker_issue_number', 'tracker_issue_state'])
      .execute(),
    db.selectFrom('licenses').select(['request_id', 'fingerprint', 'text']).execute(),
    db.selectFrom('jobs').select(['request_id', 'kind', 'state', 'run_at']).execute(),
  ]);
  return {
    submissions,
    requests: requests.map((r) => ({
      id: r.id,
      state: r.state,
      customerEmail: r.customer_email,
      trackerIssueNumber: r.tracker_issue_number === null ? null : Number(r.tracker_issue_number),
      trackerIssueState: r.tracker_issue_state,
    })),
    licenses: licenses.map((l) => ({
      requestId: l.request_id,
      fingerprint: l.fingerprint,
      text: l.text,
    })),
    // Scheduled work (the hand-off, the audit head) belongs to no request.
    jobs: jobs.flatMap((j) =>
      j.request_id === null
        ? []
        : [{ requestId: j.request_id, kind: j.kind, state: j.state, runAt: Number(j.run_at) }],
    ),
    emails: smtp.messages.map((mail, i) => {
      const header = mail.headers.get('x-lifeline-request');
      return {
        requestId: typeof header === 'string' ? header : '',
        to: (mail.envelope.rcptTo[0] ?? '').toLowerCase(),
        messageId: mail.messageId ?? '',
        attachment: mail.attachments[0]?.content.toString('utf8') ?? '',
        receivedAt: arrivals.at[i] ?? Date.now(),
      };
    }),
    issues: gitlab.issues.map((issue) => ({
      iid: issue.iid,
      description: issue.description ?? '',
      state: issue.state,
    })),
    notices: noticesOf(slack, noticeArrivals),
    notes: notesOf(zendesk),
    kills,
    mailFaults,
    origin,
    observedAt,
  };
}
