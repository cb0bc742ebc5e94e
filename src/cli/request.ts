import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DecisionView } from '../requests/decision-view.js';
import type { RequestDetail, RequestSummary } from '../requests/request-view.js';
import { callApi, expectStatus } from './api-client.js';
import { fail, printJson, say } from './output.js';
import { cli } from './io.js';
import { countOption } from './count-option.js';
import { utcMinute, utcSecond } from '../utc-time.js';

interface CreateOptions {
  ticketId: string;
  ticketUrl: string;
  email: string;
  users: string;
  licenseFile?: string;
  plan?: string;
  expiredOn?: string;
  licensedUsers?: string;
  maximumUsers: string;
  billableUsers?: string;
  screenshotsAttached?: boolean;
  note?: string;
  requestedBy?: string;
  idempotencyKey?: string;
  wait?: boolean;
  json?: boolean;
}

/** `lifeline request …`: the API from a terminal (LIFELINE_URL, LIFELINE_TOKEN). */
export function registerRequestCommands(program: Command): void {
  const request = program
    .command('request')
    .description('Emergency requests through a running Lifeline (LIFELINE_URL, LIFELINE_TOKEN).');

  request
    .command('create')
    .description(
      'Submit a request. Exit 0 when accepted, 2 when the policy rejects it, 1 on error.',
    )
    .requiredOption('--ticket-id <id>', 'the support ticket')
    .requiredOption('--ticket-url <url>', "the ticket's address")
    .requiredOption('--email <email>', "the customer's email (who opened the ticket)")
    .requiredOption('--users <n>', 'user count for the temporary license (Admin Area dashboard)')
    .option('--license-file <file>', "the customer's expired license file (- for stdin)")
    .option('--plan <plan>', 'from the screenshots: starter, premium or ultimate')
    .option('--expired-on <date>', 'from the screenshots: the license expiry date, YYYY-MM-DD')
    .option('--licensed-users <n>', 'from the screenshots: licensed users')
    .requiredOption(
      '--maximum-users <n>',
      'the "Maximum users" card of Admin Area › Subscription (GitLab checks the seats against it)',
    )
    .option('--billable-users <n>', 'the "Billable users" card of Admin Area › Subscription')
    .option('--screenshots-attached', 'confirm both screenshots are attached to the ticket')
    .option('--note <text>')
    .option('--requested-by <person>', 'with a service token only: the person it acts for')
    .option('--idempotency-key <key>', 'makes a repeated call return the first answer')
    .option('--wait', 'follow the request until it succeeds or fails')
    .option('--json', 'print the answer as JSON')
    .action(async (options: CreateOptions) => {
      const usage = {
        maximumUsers: countOption(options.maximumUsers, '--maximum-users'),
        ...(options.billableUsers !== undefined && {
          billableUsers: countOption(options.billableUsers, '--billable-users'),
        }),
      };
      // Values typed beside a license file go with it: the policy checks them against the
      // file and says where they differ, as the API and the console do.
      const typed = {
        ...(options.plan && { plan: options.plan }),
        ...(options.expiredOn && { expiredOn: options.expiredOn }),
        ...(options.licensedUsers !== undefined && {
          licensedUsers: countOption(options.licensedUsers, '--licensed-users'),
        }),
      };
      const evidence = options.licenseFile
        ? {
            ...usage,
            ...typed,
            licenseFile: readFileSync(
              options.licenseFile === '-' ? 0 : options.licenseFile,
              'utf8',
            ),
          }
        : { ...usage, ...typed, screenshotsAttached: options.screenshotsAttached ?? false };
      const body = {
        ticket: { id: options.ticketId, url: options.ticketUrl },
        customerEmail: options.email,
        userCount: countOption(options.users, '--users'),
        evidence,
        ...(options.note && { note: options.note }),
        ...(options.requestedBy && { requestedBy: options.requestedBy }),
      };
      const answer = await callApi<{ id: string; state: string; decision: DecisionView }>(
        'POST',
        '/api/v1/requests',
        body,
        options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {},
      );
      const result = expectStatus(answer, 202, 422);
      if (options.json && !options.wait) printJson(result);
      else if (!options.json) printDecision(result.id, result.decision);
      if (answer.status === 422) cli().exit(2);
      if (options.wait) {
        const final = await waitForOutcome(result.id);
        if (options.json) printJson(final);
        else printRequest(final);
        cli().exit(exitCodeOf(final.state));
      }
    });

  request
    .command('show <id>')
    .description('One request: its decision, license, deliveries and timeline.')
    .option(
      '--wait',
      'wait until the request succeeds or fails, and exit as create --wait does (0, 1, 2 or 3)',
    )
    .option('--json')
    .action(async (id: string, options: { wait?: boolean; json?: boolean }) => {
      const detail = options.wait
        ? await waitForOutcome(id)
        : expectStatus(
            await callApi<RequestDetail>('GET', `/api/v1/requests/${encodeURIComponent(id)}`),
            200,
          );
      if (options.json) printJson(detail);
      else printRequest(detail);
      if (options.wait) cli().exit(exitCodeOf(detail.state));
    });

  request
    .command('list')
    .description('Find requests, newest first.')
    .option('--email <email>', "customer email, or @domain for a whole company's")
    .option('--ticket <id>')
    .option('--state <state>', 'awaiting_approval, queued, issuing, succeeded, failed or rejected')
    .option('--limit <n>', 'how many', '20')
    .option('--json')
    .action(
      async (options: {
        email?: string;
        ticket?: string;
        state?: string;
        limit: string;
        json?: boolean;
      }) => {
        const query = new URLSearchParams({ limit: options.limit });
        if (options.email) query.set('email', options.email);
        if (options.ticket) query.set('ticket', options.ticket);
        if (options.state) query.set('state', options.state);
        const page = expectStatus(
          await callApi<{ items: RequestSummary[]; nextCursor: string | null }>(
            'GET',
            `/api/v1/requests?${query.toString()}`,
          ),
          200,
        );
        if (options.json) return printJson(page);
        if (page.items.length === 0) say('No requests match.');
        for (const item of page.items) {
          cli().stdout.write(
            `${item.id}  ${utcMinute(item.createdAt)}  ${item.state.padEnd(9)}  ${item.customerEmail}  ${item.userCount} users  ticket ${item.ticket.id}\n`,
          );
        }
      },
    );

  request
    .command('resend <id>')
    .description('Email the same license again (to --email instead of the customer, if given).')
    .option('--email <email>')
    .option('--json', 'print the answer as JSON')
    .action(async (id: string, options: { email?: string; json?: boolean }) => {
      const result = expectStatus(
        await callApi<{ to: string }>(
          'POST',
          `/api/v1/requests/${encodeURIComponent(id)}/resend`,
          options.email ? { email: options.email } : {},
        ),
        202,
      );
      if (options.json) printJson(result);
      say(`The same license is on its way to ${result.to}.`);
    });

  for (const verb of ['approve', 'decline'] as const) {
    request
      .command(`${verb} <id>`)
      .description(
        verb === 'approve'
          ? 'Approve a request a guardrail holds (approvers other than the requester): the license is issued.'
          : 'Decline a request a guardrail holds (approvers other than the requester): it ends rejected.',
      )
      .requiredOption('--reason <text>', `why you ${verb} it (recorded in the audit log)`)
      .option('--json', 'print the answer as JSON')
      .action(async (id: string, options: { reason: string; json?: boolean }) => {
        const result = expectStatus(
          await callApi<{ id: string; state: string; verdict: string }>(
            'POST',
            `/api/v1/requests/${encodeURIComponent(id)}/${verb}`,
            { reason: options.reason },
          ),
          200,
        );
        if (options.json) printJson(result);
        say(
          result.verdict === 'approved'
            ? `Approved: request ${result.id} continues, the license is being generated.`
            : `Declined: request ${result.id} ends rejected, nothing was issued.`,
        );
      });
  }

  request
    .command('retry <id>')
    .description('Continue a failed request from the step that failed (never a second license).')
    .option('--json', 'print the answer as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const result = expectStatus(
        await callApi<{ retried: string[] }>(
          'POST',
          `/api/v1/requests/${encodeURIComponent(id)}/retry`,
        ),
        202,
      );
      if (options.json) printJson(result);
      say(`Retrying: ${result.retried.join(', ')}.`);
    });

  registerCoverCommands(request);
}

/** `request renew` and `request extend`: after delivery, the cover. */
function registerCoverCommands(request: Command): void {
  request
    .command('renew <id>')
    .description(
      'Record the customer’s renewal from their new license file (or, approvers only, mark it done with --reason).',
    )
    .option('--license-file <path>', 'the customer’s new .gitlab-license file')
    .option('--reason <text>', 'why the renewal is done without the file (approvers)')
    .option('--json', 'print the answer as JSON')
    .action(
      async (id: string, options: { licenseFile?: string; reason?: string; json?: boolean }) => {
        if ((options.licenseFile === undefined) === (options.reason === undefined))
          fail('give either --license-file PATH or --reason TEXT (approvers), not both');
        let body: { licenseFile: string } | { reason: string };
        if (options.licenseFile !== undefined) {
          let licenseFile: string;
          try {
            licenseFile = readFileSync(options.licenseFile, 'utf8');
          } catch (error) {
            fail(
              `cannot read ${options.licenseFile}: ${error instanceof Error ? error.message : String(error)}`,
            );
          }
          body = { licenseFile };
        } else {
          body = { reason: options.reason ?? '' };
        }
        const renewal = expectStatus(
          await callApi<NonNullable<RequestDetail['renewal']>>(
            'POST',
            `/api/v1/requests/${encodeURIComponent(id)}/renewal`,
            body,
          ),
          200,
        );
        if (options.json) printJson(renewal);
        say(
          renewal.source === 'license_file'
            ? `Renewal recorded: ${renewal.plan}, ${renewal.userCount} users, ${renewal.startsOn} to ${renewal.expiresOn}. The channel, the ticket and the tracker issue are being told.`
            : 'Renewal marked done. The channel, the ticket and the tracker issue are being told.',
        );
      },
    );

  request
    .command('extend <id>')
    .description(
      'Extend a cover still waiting for its renewal with a new temporary license (approvers; not your own request).',
    )
    .requiredOption('--reason <text>', 'why the renewal needs more time')
    .option('--users <n>', 'seats of the new license (default: the first license’s)')
    .option('--wait', 'wait until the new license is signed (or the signing failed)')
    .option('--json', 'print the answer as JSON')
    .action(
      async (
        id: string,
        options: { reason: string; users?: string; wait?: boolean; json?: boolean },
      ) => {
        const users =
          options.users === undefined ? undefined : countOption(options.users, '--users');
        const asked = expectStatus(
          await callApi<{ id: string; state: 'pending'; lineage: number; userCount: number }>(
            'POST',
            `/api/v1/requests/${encodeURIComponent(id)}/extension`,
            { reason: options.reason, ...(users !== undefined && { userCount: users }) },
          ),
          202,
        );
        if (!options.wait) {
          if (options.json) printJson(asked);
          say(
            `Extension asked: license ${asked.lineage + 1} of this request, ${asked.userCount} users, is being signed; see it with: lifeline request show ${id}`,
          );
          return;
        }
        const detail = await waitForExtension(id, asked.lineage);
        const extension = detail.renewal?.extension;
        const license = detail.licenses.find((l) => l.lineageIndex === asked.lineage);
        if (options.json) printJson({ ...asked, state: extension?.state, license });
        if (extension?.state !== 'made' || !license)
          fail(`the extension was not made: ${extension?.failure ?? 'see lifeline request show'}`);
        say(
          `Extended: license ${asked.lineage + 1} of this request, ${license.userCount} users, expires at 00:00 on ${license.expiresAt} (server time); it is being emailed to the customer.`,
        );
      },
    );
}

/** Follows an asked extension until its job made the license or failed. */
async function waitForExtension(id: string, lineage: number): Promise<RequestDetail> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const detail = expectStatus(
      await callApi<RequestDetail>('GET', `/api/v1/requests/${encodeURIComponent(id)}`),
      200,
    );
    const extension = detail.renewal?.extension;
    if (extension && extension.lineage === lineage && extension.state !== 'pending') return detail;
    if (Date.now() > deadline)
      fail(
        `the extension of request ${id} is still being signed after 2 minutes; check it later with: lifeline request show ${id}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function waitForOutcome(id: string): Promise<RequestDetail> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const detail = expectStatus(
      await callApi<RequestDetail>('GET', `/api/v1/requests/${encodeURIComponent(id)}`),
      200,
    );
    if (['succeeded', 'failed', 'rejected', 'awaiting_approval'].includes(detail.state))
      return detail;
    if (Date.now() > deadline)
      fail(
        `request ${id} is still ${detail.state} after 2 minutes; check it later with: lifeline request show ${id}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function printDecision(id: string, decision: DecisionView): void {
  const verdict = !decision.eligible
    ? 'Rejected'
    : (decision as Partial<DecisionView>).needsApproval
      ? 'Waiting for approval'
      : 'Accepted';
  cli().stdout.write(`${verdict}: ${decision.summary}\nRequest ${id}\n`);
  // An older service answers without guardrails.
  const guardrails = (decision as Partial<DecisionView>).guardrails ?? [];
  for (const held of guardrails) cli().stdout.write(`  HOLD ${held.code}: ${held.message}\n`);
  for (const rule of decision.rules)
    cli().stdout.write(
      `  ${rule.passed ? 'ok  ' : rule.code === 'NOT_CHECKED' ? '--  ' : 'FAIL'} ${rule.rule}: ${rule.message}\n`,
    );
  const suggested = decision.rules.find((rule) => rule.suggestedUserCount !== undefined);
  if (suggested) {
    cli().stdout.write(
      `  try  --users ${suggested.suggestedUserCount}: the smallest count GitLab accepts\n`,
    );
  }
  for (const warning of decision.warnings) cli().stdout.write(`  warn ${warning}\n`);
}

function printRequest(detail: RequestDetail): void {
  const lines = [
    `Request ${detail.id}: ${detail.state}`,
    `  created     ${utcSecond(detail.createdAt)}`,
    `  ticket      ${detail.ticket.id} ${detail.ticket.url}`,
    `  customer    ${detail.customerEmail}, ${detail.userCount} users, asked by ${detail.requestedBy}`,
  ];
  if (detail.license)
    lines.push(
      `  license     ${detail.license.plan}${detail.license.trial ? ' trial' : ''}, ${detail.license.userCount} users, works through ${detail.license.lastFullDay} (expires at 00:00 on ${detail.license.expiresAt}, server time)`,
    );
  if (detail.licenses.length > 1)
    for (const license of detail.licenses)
      lines.push(
        `  license ${license.lineageIndex + 1}   ${license.userCount} users, works through ${license.lastFullDay}, SHA-256 ${license.fingerprint.slice(0, 16)}…`,
      );
  if (detail.renewal)
    lines.push(
      `  cover       ${detail.renewal.state}${detail.renewal.state === 'renewed' && detail.renewal.plan ? `: ${detail.renewal.plan}, ${detail.renewal.userCount} users, ${detail.renewal.startsOn} to ${detail.renewal.expiresOn}` : detail.renewal.reason ? `: ${detail.renewal.reason}` : detail.renewal.temporaryLicenseLastFullDay ? `, temporary license works through ${detail.renewal.temporaryLicenseLastFullDay}` : ''}`,
    );
  const extension = detail.renewal?.extension;
  if (extension && extension.state !== 'made')
    lines.push(
      extension.state === 'pending'
        ? `  extension   being signed: license ${extension.lineage + 1}, ${extension.userCount} users, asked by ${extension.requestedBy}`
        : `  extension   failed: ${extension.failure ?? 'no license was made'}`,
    );
  if (detail.trackerIssue)
    lines.push(
      `  tracker     #${detail.trackerIssue.number} (${detail.trackerIssue.state}) ${detail.trackerIssue.title}`,
    );
  if (detail.state === 'rejected' && detail.decision) {
    lines.push(`  rejected    ${detail.decision.summary}`);
    for (const rule of detail.decision.rules.filter((outcome) => !outcome.passed)) {
      lines.push(
        `    ${rule.code === 'NOT_CHECKED' ? 'not checked' : 'FAIL'} ${rule.rule}: ${rule.message}`,
      );
    }
  }
  if (detail.approval) {
    const a = detail.approval;
    lines.push(
      a.verdict === null
        ? `  approval    waiting for ${a.whoMayApprove} until ${utcSecond(a.expiresAt)} (lifeline request approve|decline ${detail.id} --reason …)`
        : `  approval    ${a.verdict}${a.decidedBy ? ` by ${a.decidedBy}` : ''}${a.reason ? `: ${a.reason}` : ''}`,
    );
    for (const held of a.reasons) lines.push(`    HOLD ${held.code}: ${held.message}`);
  }
  if (detail.failure)
    lines.push(
      `  failed at   ${detail.failure.step}: ${detail.failure.message}`,
      `  next        ${detail.failure.nextAction}`,
    );
  for (const d of detail.deliveries)
    lines.push(
      `  ${d.medium.padEnd(8)}    ${d.state} → ${d.destination}${d.lastError ? ` (${d.lastError})` : ''}${d.state === 'retrying' && d.nextAttemptAt ? `; next try ${utcSecond(d.nextAttemptAt)}` : ''}`,
    );
  cli().stdout.write(`${lines.join('\n')}\n`);
}

/**
 * How `--wait` ends, for scripts: 0 succeeded, 1 failed, 2 rejected by the policy or declined,
 * 3 held for a second person's approval (nothing failed, nothing issued yet).
 */
function exitCodeOf(state: string): number {
  if (state === 'succeeded') return 0;
  if (state === 'rejected') return 2;
  if (state === 'awaiting_approval') return 3;
  return 1;
}
