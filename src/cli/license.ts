/**
 * `lifeline license …`: make an emergency license offline, and inspect a license a customer
 * sent. Machine output (the license text, `--json`) goes to stdout, people's messages to
 * stderr; anything wrong ends with exit code 1 and one line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  buildEmergencyLicense,
  calendarDateOf,
  decodeLicense,
  encodeLicense,
  licenseFingerprint,
  licenseLife,
  licensePeriod,
  licenseStatus,
  parseCalendarDate,
  validThrough,
} from '../license/index.js';
import type {
  CalendarDate,
  LicenseAttributes,
  LicenseLifeEvent,
  LicenseStatus,
  VerificationKey,
} from '../license/index.js';
import { parseNamedKeyFile } from '../signing/key-names.js';
import { createLogger } from '../service/logger.js';
import { setUpEvidenceKeys, setUpSigner } from '../service/signing-keys.js';
import { configOrExit } from './config-or-exit.js';
import { describeFsError, readSigningKeyFile, readVerificationKeyFile } from './keys.js';
import { registerPreflightCommand } from './license-preflight.js';
import { parseInstant } from './instant-option.js';
import { countOption } from './count-option.js';
import { fail, printJson, say } from './output.js';
import { readStdin } from './read-stdin.js';
import { cli } from './io.js';

interface CreateOptions {
  email: string;
  users: string;
  privateKey: string;
  out?: string;
  force?: boolean;
  at?: string;
  json?: boolean;
}

interface InspectOptions {
  publicKey?: string[];
  json?: boolean;
  today?: string;
}

export function registerLicenseCommands(program: Command): void {
  const license = program.command('license').description('Make and read GitLab license files.');
  license
    .command('create')
    .description(
      'Make an emergency license (an Ultimate trial, generic licensee) offline, exactly as the ' +
        'service would: LIFELINE_LICENSE_DURATION_DAYS, LIFELINE_LICENSEE_NAME and ' +
        'LIFELINE_LICENSEE_COMPANY from the same configuration (.env, LIFELINE_CONFIG_FILE, environment).',
    )
    .requiredOption('--email <email>', "the customer's email address")
    .requiredOption('--users <n>', 'the number of users (seats)')
    .requiredOption('--private-key <file>', 'the PEM private key that signs the license')
    .option('--out <file>', 'write the license to this file instead of stdout')
    .option('--force', 'replace the --out file if it exists', false)
    .option(
      '--at <ISO_INSTANT>',
      'make it as if issued at this instant, e.g. 2026-12-05T18:00:00Z (default: now)',
    )
    .option(
      '--json',
      'print {license, fingerprint, userCount, activeFrom, lastFullDay, expiresAt, out} as JSON',
    )
    .action((options: CreateOptions) => createLicense(options));
  license
    .command('inspect')
    .description('Read a license file and say what it holds and where it stands.')
    .argument('<file>', 'the .gitlab-license file, or - for stdin')
    .option(
      '--public-key <file>',
      'a PEM public key to read it with, as FILE or NAME=FILE (e.g. production=license_key.pub); repeat to try several (default: the keys the service reads evidence with)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--json', 'print the result as JSON on stdout')
    .option('--today <YYYY-MM-DD>', 'the day to compute the status for (default: today, UTC)')
    .action((file: string, options: InspectOptions) => inspectLicense(file, options));
  registerPreflightCommand(license);
}

function createLicense(options: CreateOptions): void {
  // The service's own configuration (.env, LIFELINE_CONFIG_FILE, environment): the same license.
  const settings = configOrExit().license;
  const at = options.at === undefined ? new Date() : parseInstant(options.at, '--at');
  if (!(at instanceof Date)) fail(at.message);
  if (!/^[1-9]\d{0,8}$/.test(options.users.trim())) {
    fail(`--users must be a whole number of at least 1 (got "${options.users}").`);
  }
  let attributes: LicenseAttributes;
  try {
    attributes = buildEmergencyLicense(
      { customerEmail: options.email.trim(), userCount: countOption(options.users, '--users'), at },
      settings,
    );
  } catch (error) {
    fail(error instanceof RangeError ? error.message : 'could not build the license.');
  }
  const key = readSigningKeyFile(options.privateKey);
  const text = encodeLicense(attributes, key);
  const summary =
    `Emergency license: Ultimate trial for ${attributes.restrictions?.active_user_count} users, ` +
    `${options.email.trim()}, active from ${attributes.issued_at}, ${validThrough(licensePeriod(attributes))}; ` +
    `sha256 ${licenseFingerprint(text)}, key ${key.fingerprint.slice(0, 16)}.`;
  const period = licensePeriod(attributes);
  const json = () =>
    printJson({
      license: text,
      fingerprint: licenseFingerprint(text),
      keyFingerprint: key.fingerprint,
      userCount: attributes.restrictions?.active_user_count ?? null,
      activeFrom: attributes.issued_at,
      lastFullDay: period.lastFullDay,
      expiresAt: attributes.expires_at ?? null,
      out: options.out ?? null,
    });
  if (options.out === undefined) {
    if (options.json) json();
    else {
      cli().stdout.write(text);
      say(summary);
    }
    return;
  }
  try {
    writeFileSync(options.out, text, { flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    const hint =
      (error as { code?: unknown }).code === 'EEXIST' ? ' (pass --force to replace it)' : '';
    fail(`cannot write ${options.out}: ${describeFsError(error)}${hint}.`);
  }
  if (options.json) json();
  else {
    say(summary);
    say(`Written to ${options.out}`);
  }
}

function readToday(option: string | undefined): CalendarDate | { message: string } {
  if (option === undefined) return calendarDateOf(new Date());
  return (
    parseCalendarDate(option) ?? {
      message: `--today must be a real date, YYYY-MM-DD (got "${option}").`,
    }
  );
}

async function inspectLicense(file: string, options: InspectOptions): Promise<void> {
  const refuse = (code: string, message: string): never => {
    if (options.json) printJson({ ok: false, error: { code, message } });
    fail(message);
  };
  const today = readToday(options.today);
  if (typeof today !== 'string') return refuse('USAGE', today.message);
  const keyPaths = options.publicKey ?? [];
  const keys: VerificationKey[] = [];
  for (const [index, entry] of keyPaths.entries()) {
    const { name, path } = parseNamedKeyFile(entry, index);
    const key = readVerificationKeyFile(path, name);
    if ('code' in key) return refuse(key.code, key.message);
    keys.push(key);
  }
  if (keys.length === 0) {
    const configured = await configuredEvidenceKeys();
    if ('message' in configured) return refuse('KEYS_UNAVAILABLE', configured.message);
    keys.push(...configured.keys);
  }
  let input: Buffer;
  try {
    input = file === '-' ? await readStdin() : readFileSync(file);
  } catch (error) {
    return refuse(
      'FILE_UNREADABLE',
      `cannot read ${file === '-' ? 'stdin' : file}: ${describeFsError(error)}.`,
    );
  }
  const result = decodeLicense(input, keys);
  if (!result.ok) return refuse(result.error.code, result.error.message);
  const status = licenseStatus(result.license, today);
  const life = licenseLife(result.license);
  if (options.json) {
    printJson({
      ok: true,
      keyFingerprint: result.key.fingerprint,
      keyName: result.key.label ?? null,
      status,
      period: licensePeriod(result.license),
      life,
      license: JSON.parse(result.json) as unknown,
    });
    return;
  }
  cli().stdout.write(renderTable(result.license, status, result.key));
  cli().stdout.write(renderLife(life));
}

/**
 * The keys the service itself reads customers' licenses with (LIFELINE_EVIDENCE_PUBLIC_KEY_FILES,
 * or the signing key's public half), from the same configuration the service reads.
 */
async function configuredEvidenceKeys(): Promise<
  { keys: VerificationKey[] } | { message: string }
> {
  const config = configOrExit();
  try {
    const { signer } = await setUpSigner(config, createLogger('silent'));
    try {
      return { keys: setUpEvidenceKeys(config.values.LIFELINE_EVIDENCE_PUBLIC_KEY_FILES, signer) };
    } finally {
      await signer.close();
    }
  } catch (error) {
    return {
      message: `the configured keys cannot be read (${error instanceof Error ? error.message : String(error)}); give --public-key FILE instead.`,
    };
  }
}

function renderTable(
  license: LicenseAttributes,
  status: LicenseStatus,
  key: VerificationKey,
): string {
  const restrictions = license.restrictions ?? {};
  const period = licensePeriod(license);
  const { Name: name, Email: email, Company: company, ...otherLicensee } = license.licensee;
  const rows: [string, string][] = [
    ['Licensee', name ?? '-'],
    ['Company', company ?? '-'],
    ['Email', email ?? '-'],
    ...Object.entries(otherLicensee).map(([field, value]): [string, string] => [
      `Licensee ${field}`,
      value,
    ]),
    ['Plan', restrictions.plan ?? 'starter (no plan given)'],
    ['Trial', restrictions.trial ? 'yes' : 'no'],
    [
      'Seats',
      restrictions.active_user_count === undefined
        ? 'unlimited'
        : String(restrictions.active_user_count),
    ],
    ...(restrictions.previous_user_count === undefined
      ? []
      : [['Previous users', String(restrictions.previous_user_count)] as [string, string]]),
    ['Starts', `${period.startsOn} (GitLab's time zone)`],
    ['Last full day', period.lastFullDay],
    ['Expires', `${period.expiresOn}, at 00:00 server time`],
    [
      'Read-only from',
      license.block_changes_at ??
        (period.readOnlyFrom === undefined
          ? 'never (a trial without block_changes_at: Free tier, writable, once expired)'
          : `${period.readOnlyFrom} (not set: expiry + GitLab's 14-day grace)`),
    ],
    ['Status', status.summary],
    ['Key', `${key.fingerprint}${key.label ? ` (${key.label})` : ''}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${oneLine(value)}\n`).join('');
}

function renderLife(life: LicenseLifeEvent[]): string {
  return `\nWhat GitLab will do with it:\n${life.map((event) => `  ${event.on}  ${event.says}\n`).join('')}`;
}

/** Licensee values come from the file: keep a crafted one from drawing on the terminal. */
function oneLine(value: string): string {
  return value.replace(/[\p{Cc}]/gu, ' ');
}
