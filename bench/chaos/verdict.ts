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
  /** When workers were killed (epoch ms). */
  kills: number[];
  /** When the run started (epoch ms): problems give times from here. */
  origin?: number;
  /** When the database was read (epoch ms): a step due long after it is scheduled work. */
  observedAt?: number;
}

const laterMs = 60 * 60 * 1000;

export interface ChaosFigures {
  requests: number;
  lost: number;
  duplicateLicenses: number;
  duplicateEmails: number;
  emailsAfterCrash: number;
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
      const crashBetween = observed.kills.some(
        (at) => first && at >= first.receivedAt - arrivalSlackMs && at <= copy.receivedAt,
      );
      if (first && copy.messageId === first.messageId && crashBetween) emailsAfterCrash += 1;
      else {
        duplicateEmails += 1;
        problems.push(
          `duplicate email: request ${id} arrived at +${(first?.receivedAt ?? 0) - (observed.origin ?? 0)} ms ` +
            `and again ${copy.receivedAt - (first?.receivedAt ?? 0)} ms later ` +
            (copy.messageId === first?.messageId
              ? 'with no crash in between'
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
      unfinished,
    },
    problems,
  };
}

/** The request id GitLab issues carry in their description (src/delivery/tracker/request-marker.ts). */
function markerOf(description: string): string | undefined {
  return /<!-- lifeline-request-id: (\S+) -->/.exec(description)?.[1];
}
