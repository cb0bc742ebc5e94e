import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import {
  generateSigningKeyPair,
  loadSigningKey,
  loadVerificationKey,
  type LicenseSigner,
  type SigningKey,
  type VerificationKey,
} from '../license/index.js';
import { keyFileSigner } from '../signing/key-file-signer.js';
import { parseNamedKeyFiles } from '../signing/key-names.js';
import { openPkcs11Signer } from '../signing/pkcs11-signer.js';
import { parsePkcs11Settings, type Pkcs11Settings } from '../signing/pkcs11-settings.js';
import { SignerError } from '../signing/signer-error.js';

export class KeySetupError extends Error {
  override readonly name = 'KeySetupError';
}

export interface SignerSetup {
  signer: LicenseSigner;
  /** The development key pair in the data dir: licenses no customer's GitLab accepts. */
  development: boolean;
}

/** How to get a vendor key, for every message that refuses or warns about the development key. */
export const VENDOR_KEY_ADVICE =
  'make the vendor key with "lifeline keys generate --out DIR" and set LIFELINE_SIGNING_KEY_FILE to its license_key.pem, or keep it in a hardware module with the LIFELINE_SIGNING_PKCS11_* settings (deploy/README.md, "The signing key")';

/**
 * The signer of the service: a PKCS#11 module (LIFELINE_SIGNING_PKCS11_*), the key file
 * (LIFELINE_SIGNING_KEY_FILE), or a development key pair made in the data directory on first
 * start. A development key signs licenses that no real GitLab accepts, so it is refused when the
 * setup looks like production (SMTP, GitLab, Slack or Zendesk configured) unless
 * LIFELINE_ALLOW_DEVELOPMENT_KEY=true, and is warned about loudly at every start. Whatever
 * signs must match LIFELINE_SIGNING_KEY_FINGERPRINT when it is set.
 */
export async function setUpSigner(
  config: Config,
  logger: Logger,
  options: { deadlineMs?: number } = {},
): Promise<SignerSetup> {
  const keyFile = config.values.LIFELINE_SIGNING_KEY_FILE;
  let pkcs11: Pkcs11Settings | undefined;
  try {
    pkcs11 = parsePkcs11Settings(config.env);
  } catch (error) {
    throw new KeySetupError(error instanceof Error ? error.message : String(error));
  }
  if (pkcs11 && keyFile) {
    throw new KeySetupError(
      'Both LIFELINE_SIGNING_KEY_FILE and the LIFELINE_SIGNING_PKCS11_* settings are set: choose one place for the signing key.',
    );
  }
  let setup: SignerSetup;
  if (pkcs11) {
    try {
      const signer = await openPkcs11Signer(pkcs11, {
        ...(options.deadlineMs !== undefined && { deadlineMs: options.deadlineMs }),
      });
      setup = { signer, development: false };
    } catch (error) {
      throw new KeySetupError(
        error instanceof SignerError ? error.message : 'PKCS#11: the module could not be opened.',
      );
    }
  } else if (keyFile) {
    setup = {
      signer: keyFileSigner(readKeyFile(keyFile), `key file ${basename(keyFile)}`),
      development: false,
    };
  } else {
    setup = { signer: developmentSigner(config), development: true };
  }
  try {
    checkPinnedFingerprint(setup.signer, config.values.LIFELINE_SIGNING_KEY_FINGERPRINT);
  } catch (error) {
    await setup.signer.close();
    throw error;
  }
  if (setup.development) {
    logger.warn(
      {
        publicKey: join(config.dataDir, 'keys', 'license_key.pub'),
        fingerprint: setup.signer.fingerprint,
      },
      `DEVELOPMENT SIGNING KEY: licenses signed with it work only on a GitLab that holds its public key. For real use, ${VENDOR_KEY_ADVICE}.`,
    );
  }
  return setup;
}

function readKeyFile(keyFile: string): SigningKey {
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch {
    throw new KeySetupError(`LIFELINE_SIGNING_KEY_FILE ${keyFile} cannot be read.`);
  }
  try {
    return loadSigningKey(pem);
  } catch (error) {
    throw new KeySetupError(
      `LIFELINE_SIGNING_KEY_FILE ${keyFile}: ${error instanceof Error ? error.message : 'unreadable key'}`,
    );
  }
}

/** The outside systems configured: a setup that sends real mail or writes real issues is production. */
export function configuredOutsideSystems(
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const set = (...names: string[]) => names.some((name) => env[name]?.trim());
  return [
    set('SMTP_URL') && 'SMTP',
    set('GITLAB_URL', 'GITLAB_TOKEN') && 'GitLab',
    set('SLACK_BOT_TOKEN', 'SLACK_WEBHOOK_URL') && 'Slack',
    set('ZENDESK_URL', 'ZENDESK_API_TOKEN') && 'Zendesk',
  ].filter((name): name is string => typeof name === 'string');
}

function developmentSigner(config: Config): LicenseSigner {
  const systems = configuredOutsideSystems(config.env);
  if (systems.length > 0 && !config.values.LIFELINE_ALLOW_DEVELOPMENT_KEY) {
    throw new KeySetupError(
      `No signing key is configured, but ${systems.join(', ')} ${systems.length === 1 ? 'is' : 'are'} — a real setup, where the development key would sign licenses that no customer's GitLab accepts: ${VENDOR_KEY_ADVICE}. (A staging setup may set LIFELINE_ALLOW_DEVELOPMENT_KEY=true.)`,
    );
  }
  const directory = join(config.dataDir, 'keys');
  const privatePath = join(directory, 'license_key.pem');
  const publicPath = join(directory, 'license_key.pub');
  if (!existsSync(privatePath)) {
    mkdirSync(directory, { recursive: true });
    const pair = generateSigningKeyPair();
    writeFileSync(privatePath, pair.privatePem, { mode: 0o600 });
    chmodSync(privatePath, 0o600);
    writeFileSync(publicPath, pair.publicPem);
  }
  const key = loadSigningKey(readFileSync(privatePath, 'utf8'));
  return keyFileSigner(key, `development key ${basename(privatePath)} in the data directory`);
}

function checkPinnedFingerprint(signer: LicenseSigner, pinned: string | undefined): void {
  if (pinned === undefined || pinned === signer.fingerprint) return;
  throw new KeySetupError(
    `The signing key (${signer.description}) has fingerprint ${signer.fingerprint}, but LIFELINE_SIGNING_KEY_FINGERPRINT pins ${pinned}: this is not the key this deployment signs with. Configure the pinned key; only after a planned key change, pin the new fingerprint.`,
  );
}

/**
 * The keys customers' expired licenses are read with, each with a name (`name=path`, or the file
 * name); by default the signing key's own public key, named "signing key".
 */
export function setUpEvidenceKeys(
  files: string | undefined,
  signer: Pick<LicenseSigner, 'publicKey' | 'fingerprint'>,
): VerificationKey[] {
  if (!files)
    return [{ publicKey: signer.publicKey, fingerprint: signer.fingerprint, label: 'signing key' }];
  let entries;
  try {
    entries = parseNamedKeyFiles(files);
  } catch (error) {
    throw new KeySetupError(
      `LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return entries.map(({ name, path }) => {
    let pem: string;
    try {
      pem = readFileSync(path, 'utf8');
    } catch {
      throw new KeySetupError(`LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: ${path} cannot be read.`);
    }
    try {
      return loadVerificationKey(pem, name);
    } catch (error) {
      throw new KeySetupError(
        `LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: ${path}: ${error instanceof Error ? error.message : 'unreadable key'}`,
      );
    }
  });
}
