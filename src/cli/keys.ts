/**
 * `lifeline keys …`: the vendor RSA key pair that signs licenses. The private key is written
 * readable by its owner only, never printed, and never silently replaced: a replaced key can
 * no longer sign licenses that the instances holding the old public key accept.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  KeyError,
  generateSigningKeyPair,
  loadSigningKey,
  loadVerificationKey,
} from '../license/index.js';
import type { SigningKey, VerificationKey } from '../license/index.js';
import { fail, printJson, say } from './output.js';

export const PRIVATE_KEY_FILE = 'license_key.pem';
export const PUBLIC_KEY_FILE = 'license_key.pub';

interface GenerateOptions {
  out: string;
  force?: boolean;
  bits: string;
  json?: boolean;
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('The RSA key pair that signs GitLab licenses.');
  keys
    .command('generate')
    .description(
      `Write a new key pair: ${PRIVATE_KEY_FILE} (private, mode 0600) and ${PUBLIC_KEY_FILE} (public).`,
    )
    .requiredOption('--out <dir>', 'the folder to write the two files to (created if missing)')
    .option('--force', 'replace existing key files', false)
    .option('--bits <n>', 'RSA key size', '2048')
    .option('--json', 'print {privateKey, publicKey, fingerprint} as JSON')
    .action((options: GenerateOptions) => generateKeys(options));
}

function generateKeys(options: GenerateOptions): void {
  const dir = resolve(options.out);
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  if (!/^\d+$/.test(options.bits))
    fail(`--bits must be a whole number, like 2048 (got "${options.bits}").`);
  if (!options.force) {
    for (const path of [privatePath, publicPath]) {
      if (existsSync(path)) {
        fail(
          `${path} already exists; pass --force to replace it (licenses signed with the old key will no longer match the new one).`,
        );
      }
    }
  }
  let pair: { privatePem: string; publicPem: string };
  try {
    pair = generateSigningKeyPair(Number(options.bits));
  } catch (error) {
    fail(error instanceof RangeError ? error.message : 'could not generate the key pair.');
  }
  try {
    mkdirSync(dir, { recursive: true });
    writeFileAtomically(privatePath, pair.privatePem, 0o600);
    writeFileAtomically(publicPath, pair.publicPem, 0o644);
  } catch (error) {
    fail(`could not write the key files to ${dir}: ${describeFsError(error)}.`);
  }
  const { fingerprint } = loadVerificationKey(pair.publicPem);
  if (options.json) {
    printJson({ privateKey: privatePath, publicKey: publicPath, fingerprint });
    return;
  }
  say(`Private key: ${privatePath} (mode 0600; keep it secret, it signs licenses)`);
  say(`Public key:  ${publicPath} (install it on GitLab as .license_encryption_key.pub)`);
  say(`Fingerprint: ${fingerprint} (sha256 of the public key)`);
}

/** Written under a temporary name and renamed, so a crash never leaves half a key behind. */
function writeFileAtomically(path: string, content: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content, { mode, flag: 'wx' });
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Reads and parses a private key file; ends the command with one clear line when it cannot. */
export function readSigningKeyFile(path: string): SigningKey {
  const pem = readTextFile(path, 'private key');
  try {
    return loadSigningKey(pem);
  } catch (error) {
    fail(`the private key ${path} cannot be used: ${keyErrorMessage(error)}`);
  }
}

/** Reads and parses a public key file; errors carry a code for JSON output. */
export function readVerificationKeyFile(
  path: string,
  name: string = path,
): VerificationKey | { code: string; message: string } {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      code: 'FILE_UNREADABLE',
      message: `cannot read the public key ${path}: ${describeFsError(error)}.`,
    };
  }
  try {
    return loadVerificationKey(pem, name);
  } catch (error) {
    return {
      code: error instanceof KeyError ? error.code : 'KEY_UNREADABLE',
      message: `the public key ${path} cannot be used: ${keyErrorMessage(error)}`,
    };
  }
}

function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot read the ${what} ${path}: ${describeFsError(error)}.`);
  }
}

/** Only our own messages: a library error could quote the file it failed on. */
function keyErrorMessage(error: unknown): string {
  return error instanceof KeyError ? error.message : 'it is not a readable PEM key.';
}

export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EEXIST':
      return 'the file already exists';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    default:
      return typeof code === 'string' ? code : 'unknown error';
  }
}
