/**
 * `lifeline license preflight`: what a GitLab EE instance will do when this file is uploaded,
 * by GitLab's own rules (src/license/gitlab-upload/). Exit 0 when GitLab accepts it, 1 when it
 * refuses, 2 for input that cannot be checked.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { preflightLicenseText, timeZone, TimeZoneError } from '../license/index.js';
import type { PreflightResult, TimeZone, VerificationKey } from '../license/index.js';
import { parseInstant } from './instant-option.js';
import { describeFsError, readVerificationKeyFile } from './keys.js';
import { printJson } from './output.js';
import { readStdin } from './read-stdin.js';
import { cli } from './io.js';

interface PreflightOptions {
  publicKey?: string[];
  maximumUsers: string;
  billableUsers?: string;
  at?: string;
  gitlabTimeZone: string;
  serverTimeZone: string;
  json?: boolean;
}

const BAD_INPUT = 2;

export function registerPreflightCommand(license: Command): void {
  license
    .command('preflight')
    .description(
      'Say whether a GitLab EE instance accepts this license at upload, and from when to when it is active there (exit 0 accepted, 1 refused, 2 bad input).',
    )
    .argument('<file>', 'the .gitlab-license file, or - for stdin')
    .option(
      '--public-key <file>',
      'the public key the instance holds (repeat for its fallback keys)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .requiredOption(
      '--maximum-users <n>',
      'the Maximum users card of Admin Area › Subscription (the peak since the expired license started)',
    )
    .option('--billable-users <n>', 'the Billable users card of the same page')
    .option('--at <ISO_INSTANT>', 'the moment of the upload (default: now)')
    .option('--gitlab-time-zone <tz>', "GitLab's configured time zone (IANA name)", 'UTC')
    .option('--server-time-zone <tz>', "the server's operating-system time zone", 'UTC')
    .option('--json', 'print the result as JSON on stdout')
    .exitOverride((error) => cli().exit(error.exitCode === 0 ? 0 : BAD_INPUT))
    .action((file: string, options: PreflightOptions) => preflight(file, options));
}

async function preflight(file: string, options: PreflightOptions): Promise<void> {
  const keys: VerificationKey[] = [];
  for (const path of options.publicKey ?? []) {
    const key = readVerificationKeyFile(path);
    if ('code' in key) badInput(key.message);
    keys.push(key);
  }
  if (keys.length === 0) badInput('give the --public-key FILE the GitLab instance holds.');
  const maximumUsers = users(options.maximumUsers, '--maximum-users');
  const billableUsers =
    options.billableUsers === undefined
      ? undefined
      : users(options.billableUsers, '--billable-users');
  if (billableUsers !== undefined && billableUsers > maximumUsers) {
    badInput(
      '--billable-users cannot be above --maximum-users: GitLab computes the maximum as the highest billable count so far.',
    );
  }
  const at = options.at === undefined ? new Date() : parseInstant(options.at, '--at');
  if (!(at instanceof Date)) badInput(at.message);
  const gitlabTimeZone = zone(options.gitlabTimeZone, '--gitlab-time-zone');
  const serverTimeZone = zone(options.serverTimeZone, '--server-time-zone');
  let text: Buffer;
  try {
    text = file === '-' ? await readStdin() : readFileSync(file);
  } catch (error) {
    badInput(`cannot read ${file === '-' ? 'stdin' : file}: ${describeFsError(error)}.`);
  }
  const result = preflightLicenseText(text, keys, {
    seats: { maximumUsers, ...(billableUsers !== undefined && { billableUsers }) },
    atMs: at.getTime(),
    gitlabTimeZone,
    serverTimeZone,
  });
  if (options.json) printJson(result);
  else cli().stderr.write(describe(result, gitlabTimeZone, serverTimeZone));
  cli().exitCode = result.accepted ? 0 : 1;
}

function describe(result: PreflightResult, gitlab: TimeZone, server: TimeZone): string {
  if (!result.accepted) return `GitLab refuses this license: ${result.message ?? ''}\n`;
  return [
    'GitLab accepts this license.',
    `  active from  ${result.activeFrom ?? '-'} (started by GitLab's time zone, ${gitlab.name})`,
    `  expires at   ${result.expiresAt ?? '-'} (00:00 on its expiry day, server time, ${server.name})`,
    `  valid for    ${result.validHours} hours`,
    '',
  ].join('\n');
}

function users(text: string, option: string): number {
  const trimmed = text.trim();
  if (!/^\d{1,9}$/.test(trimmed)) {
    badInput(`${option} must be a whole number of users (got "${text}").`);
  }
  return Number(trimmed);
}

function zone(name: string, option: string): TimeZone {
  try {
    return timeZone(name);
  } catch (error) {
    badInput(`${option}: ${error instanceof TimeZoneError ? error.message : 'not a time zone.'}`);
  }
}

function badInput(message: string): never {
  cli().stderr.write(`lifeline: ${message}\n`);
  return cli().exit(BAD_INPUT);
}
