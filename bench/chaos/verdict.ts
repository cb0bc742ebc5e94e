/**
 * What the chaos run concludes, from what the service recorded and what the outside systems
 * received. Pure, so the judgement itself is tested (test/chaos/verdict.test.ts).
 *
 * - lost: an accepted request that did not end with its license (one row, emailed to the
 *   customer, the very license the database holds) and its one tracker issue (naming the
 *   request, closed, its number recorded), or a submission the service never accepted;
 * - duplicateLicenses: a request with more than one license row, or a customer who received
 *   two different license files;
 * - duplicateEmails: a second copy of a license email that no crash explains;
 * - emailsAfterCrash: a second copy with the same Message-ID whose first copy arrived before a
 *   worker was killed (the crash fell between "sent" and "recorded": at-least-once delivery, and
 *   the shared Message-ID lets the customer's mail system show it once);
 * - emailsAfterLostAnswer: such a copy whose first copy arrived as the mail server's connections
 *   were held or cut (a hang or refusal began): the server had the message, its answer never
 *   reached the sender, and no SMTP client can tell that from a message never received, so it
 *   sends again (the same at-least-once delivery);
 * - duplicateNotices / duplicateNotes: a second Slack notice or Zendesk note for the same request
 *   and outcome that no crash explains; noticesAfterCrash / notesAfterCrash: one that a worker
 *   killed between the first copy and the copy does explain (same rule as emails);
 * - unfinished: a request not in a final state, or with a step still to run, after recovery.
 *   A cancelled step is over; a step scheduled for days later (a cover reminder) is not one
 *   still to run: more than an hour after the observation is past any retry backoff.
 */
export interface Observed {
  /** Submissions in order: the request id the service answered with, or why it did not. */
  submissions: Array<{ id?: string; refusal?: string }>;
  requests: Array<{
    id: string;
    state: string;
    customerEmail: string;
    trackerIssueNumber: number | null;
    trackerIssueState: string | null;
  }>;
  licenses: Array<{ requestId: string; fingerprint: string; text: string }>;
  /** runAt: when a pending step is due (epoch ms). */
  jobs: Array<{ requestId: string; kind: string; state: string; runAt?: number }>;
  emails: Array<{
    requestId: string;
    to: string;
    messageId: string;
    attachment: string;
    receivedAt: number;
  }>;
  issues: Array<{ iid: number; description: string; state: string }>;
  /** What the licensing team's channel received: one line per outcome (see `announcementKey`). */
  notices: Announcement[];
  /** The internal notes added to tickets. */
  notes: Announcement[];
  /** When workers were killed (epoch ms). */
  kills: number[];
  /** When the mail server's connections began to be held or cut (a hang or refusal; epoch ms). */
  mailFaults?: number[];
  /** When the run started (epoch ms): problems give times from here. */
  origin?: number;
  /** When the database was read (epoch ms): a step due long after it is scheduled work. */
  observedAt?: number;
}

/** A Slack notice or a Zendesk note: the request it names and which outcome of it. */
export interface Announcement {
  requestId: string;
  /** The outcome as the message words it (`issued`, `failed at …`, a cover event's key). */
  outcome: string;
  receivedAt: number;
}

const laterMs = 60 * 60 * 1000;

export interface ChaosFigures {
  requests: number;
  lost: number;
  duplicateLicenses: number;
  duplicateEmails: number;
  emailsAfterCrash: number;
  emailsAfterLostAnswer: number;
  duplicateNotices: number;
  noticesAfterCrash: number;
  duplicateNotes: number;
  notesAfterCrash: number;
  unfinished: number;
}

/**
 * How long after its sender was killed a message may still arrive: the run stamps arrivals by
 * polling the fake, and bytes the worker wrote before it died are still read by the fake (in
 * the run's own process, behind a proxy) a moment later.
 */
const arrivalSlackMs = 2_000;

export function judge(observed: Observed): { figures: ChaosFigures; problems: string[] } {
  const problems: string[] = [];
  /** A worker killed after the first copy went out (or just before it arrived) and before the copy. */
  const crashBetween = (first: { receivedAt: number }, copy: { receivedAt: number }) =>
    observed.kills.some((at) => at >= first.receivedAt - arrivalSlackMs && at <= copy.receivedAt);
  /** The mail server's connections held or cut after the first copy arrived (or just before) and before the copy. */
  const answerLostBetween = (first: { receivedAt: number }, copy: { receivedAt: number }) =>
    (observed.mailFaults ?? []).some(
      (at) => at >= first.receivedAt - arrivalSlackMs && at <= copy.receivedAt,
    );
  const finalStates = new Set(['succeeded', 'failed', 'rejected']);
  const requests = new Map(observed.requests.map((r) => [r.id, r]));
  const group = <T>(items: T[], key: (item: T) => string) => {
    const groups = new Map<string, T[]>();
    for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
    return groups;
  };
  const licensesOf = group(observed.licenses, (l) => l.requestId);
  const jobsOf = group(observed.jobs, (j) => j.requestId);
  const emailsOf = group(observed.emails, (e) => e.requestId);
  const issuesOf = group(observed.issues, (i) => markerOf(i.description) ?? '');
  const lost = new Set<string>();
  const lose = (id: string, why: string) => {
    lost.add(id);
    problems.push(`lost: request ${id}: ${why}`);
  };

  let refused = 0;
  const accepted = new Set<string>();
  observed.submissions.forEach((submission, index) => {
    if (submission.id) accepted.add(submission.id);
    else {
      refused += 1;
      problems.push(`lost: submission ${index} was never accepted: ${submission.refusal ?? '?'}`);
    }
  });

  let unfinished = 0;
  let duplicateLicenses = 0;
  let duplicateEmails = 0;
  let emailsAfterCrash = 0;
  let emailsAfterLostAnswer = 0;
  for (const id of accepted) {
    const request = requests.get(id);
    if (!request) {
      lose(id, 'accepted but not in the database');
      continue;
    }
    const pending = (jobsOf.get(id) ?? []).filter(
      (j) =>
        !['succeeded', 'failed', 'cancelled'].includes(j.state) &&
        !(
          j.state === 'pending' &&
          j.runAt !== undefined &&
          observed.observedAt !== undefined &&
          j.runAt > observed.observedAt + laterMs
        ),
    );
    if (!finalStates.has(request.state) || pending.length > 0) {
      unfinished += 1;
      problems.push(
        `unfinished: request ${id} is ${request.state}` +
          (pending.length
            ? `, steps to run: ${pending.map((j) => `${j.kind} (${j.state})`).join(', ')}`
            : ''),
      );
      continue;
    }
    if (request.state !== 'succeeded') lose(id, `ended ${request.state}`);
    const failedSteps = (jobsOf.get(id) ?? []).filter((j) => j.state === 'failed');
    if (failedSteps.length)
      lose(id, `steps failed for good: ${failedSteps.map((j) => j.kind).join(', ')}`);

    const licenses = licensesOf.get(id) ?? [];
    if (licenses.length === 0) lose(id, 'no license');
    if (licenses.length > 1) {
      duplicateLicenses += 1;
      problems.push(`duplicate license: request ${id} has ${licenses.length}`);
    }
    const license = licenses[0];

    const emails = [...(emailsOf.get(id) ?? [])].sort((a, b) => a.receivedAt - b.receivedAt);
    const toCustomer = emails.filter((e) => e.to === request.customerEmail.toLowerCase());
    if (toCustomer.length === 0) lose(id, `no email reached ${request.customerEmail}`);
    if (toCustomer.length < emails.length) lose(id, 'an email went to someone else');
    if (license && emails.some((e) => e.attachment !== license.text)) {
      duplicateLicenses += 1;
      problems.push(
        `duplicate license: request ${id} emailed a license the database does not hold`,
      );
    }
    const [first, ...copies] = emails;
    for (const copy of copies) {
      if (first && copy.messageId === first.messageId && crashBetween(first, copy))
        emailsAfterCrash += 1;
      else if (first && copy.messageId === first.messageId && answerLostBetween(first, copy))
        emailsAfterLostAnswer += 1;
      else {
        duplicateEmails += 1;
        problems.push(
          `duplicate email: request ${id} arrived at +${(first?.receivedAt ?? 0) - (observed.origin ?? 0)} ms ` +
            `and again ${copy.receivedAt - (first?.receivedAt ?? 0)} ms later ` +
            (copy.messageId === first?.messageId
              ? 'with no crash and no mail server fault in between'
              : 'under another Message-ID'),
        );
      }
    }

    const issues = issuesOf.get(id) ?? [];
    if (issues.length !== 1) lose(id, `${issues.length} tracker issues name it`);
    const issue = issues[0];
    if (issue && issue.iid !== request.trackerIssueNumber)
      lose(
        id,
        `its tracker issue is #${issue.iid}, the request records #${request.trackerIssueNumber}`,
      );
    if (issue && issue.state !== 'closed') lose(id, `its tracker issue is ${issue.state}`);
  }
  for (const [id, issues] of issuesOf) {
    if (!accepted.has(id))
      problems.push(
        `lost: ${issues.length} tracker issue(s) name no accepted request (${id || 'no marker'})`,
      );
  }
  const strays = [...issuesOf.keys()].filter((id) => !accepted.has(id)).length;

  /** Second copies of one request's one outcome: explained by a crash between, or duplicates. */
  const countCopies = (announcements: Announcement[], what: string) => {
    let duplicates = 0;
    let afterCrash = 0;
    const sorted = [...announcements].sort((a, b) => a.receivedAt - b.receivedAt);
    for (const [key, copies] of group(sorted, (a) => `${a.requestId} (${a.outcome})`)) {
      const [first, ...again] = copies;
      for (const copy of again) {
        if (first && crashBetween(first, copy)) afterCrash += 1;
        else {
          duplicates += 1;
          problems.push(
            `duplicate ${what}: request ${key} at +${(first?.receivedAt ?? 0) - (observed.origin ?? 0)} ms ` +
              `and again ${copy.receivedAt - (first?.receivedAt ?? 0)} ms later with no crash in between`,
          );
        }
      }
    }
    return { duplicates, afterCrash };
  };
  const notices = countCopies(observed.notices, 'notice');
  const notes = countCopies(observed.notes, 'ticket note');

  // A customer (one per request here) who received two different license files.
  for (const [to, emails] of group(observed.emails, (e) => e.to)) {
    const files = new Set(emails.map((e) => e.attachment));
    if (files.size > 1) {
      duplicateLicenses += 1;
      problems.push(`duplicate license: ${to} received ${files.size} different license files`);
    }
  }

  return {
    figures: {
      requests: observed.submissions.length,
      lost: lost.size + refused + strays,
      duplicateLicenses,
      duplicateEmails,
      emailsAfterCrash,
      emailsAfterLostAnswer,
      duplicateNotices: notices.duplicates,
      noticesAfterCrash: notices.afterCrash,
      duplicateNotes: notes.duplicates,
      notesAfterCrash: notes.afterCrash,
      unfinished,
    },
    problems,
  };
}

/** The request id GitLab issues carry in their description (src/adapters/tracker/request-marker.ts). */
function markerOf(description: string): string | undefined {
  return /<!-- lifeline-request-id: (\S+) -->/.exec(description)?.[1];
}

/**
 * Which request and outcome a Slack notice announces (src/adapters/notice/slack-message.ts): the
 * request from the context line, the outcome from the header and, for a failure, its step.
 */
export function noticeOutcome(
  blocks: unknown[] | undefined,
): { requestId: string; outcome: string } | undefined {
  const texts: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === 'string') texts.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
  };
  collect(blocks ?? []);
  const all = texts.join('\n');
  const requestId = /Lifeline request `([^`]+)`/.exec(all)?.[1];
  const header = (blocks ?? []).find(
    (block): block is { type: 'header'; text: { text: string } } =>
      typeof block === 'object' &&
      block !== null &&
      (block as { type?: unknown }).type === 'header',
  );
  if (!requestId || !header) return undefined;
  const step = /\*Failed step:\* ([^\n]+)/.exec(all)?.[1];
  return { requestId, outcome: header.text.text + (step ? ` at ${step}` : '') };
}

/** Which request and outcome a Zendesk note is for, from its last line (src/adapters/ticket/zendesk-note.ts). */
export function noteOutcome(body: string): { requestId: string; outcome: string } | undefined {
  const match = [...body.matchAll(/Lifeline request (\S+) \(([^)\n]+)\)/g)].at(-1);
  return match?.[1] && match[2] ? { requestId: match[1], outcome: match[2] } : undefined;
}
