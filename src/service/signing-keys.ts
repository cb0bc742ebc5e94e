import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  generateSigningKeyPair,
  loadSigningKey,
  loadVerificationKey,
  type SigningKey,
  type VerificationKey,
} from '../license/index.js';

export class KeySetupError extends Error {
  override readonly name = 'KeySetupError';
}

/**
 * The vendor's signing key, from LIFELINE_SIGNING_KEY_FILE, or a development key pair made in
 * the data directory on first start. A development key signs licenses that no real GitLab
 * accepts: say so loudly, every start.
 */
export function setUpSigningKey(
  keyFile: string | undefined,
  dataDir: string,
  logger: Logger,
): SigningKey {
  if (keyFile) {
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
  const directory = join(dataDir, 'keys');
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
  logger.warn(
    { publicKey: publicPath, fingerprint: key.fingerprint },
    'DEVELOPMENT SIGNING KEY: licenses signed with it work only on a GitLab that holds its public key. Set LIFELINE_SIGNING_KEY_FILE to the vendor key for real use.',
  );
  return key;
}

/** The keys customers' expired licenses are read with; by default the signing key's own. */
export function setUpEvidenceKeys(
  files: string | undefined,
  signingKey: SigningKey,
): VerificationKey[] {
  if (!files)
    return [
      {
        publicKey: signingKey.publicKey,
        fingerprint: signingKey.fingerprint,
        label: 'signing key',
      },
    ];
  return files
    .split(',')
    .map((file) => file.trim())
    .filter((file) => file !== '')
    .map((file) => {
      let pem: string;
      try {
        pem = readFileSync(file, 'utf8');
      } catch {
        throw new KeySetupError(`LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: ${file} cannot be read.`);
      }
      try {
        return loadVerificationKey(pem, file);
      } catch (error) {
        throw new KeySetupError(
          `LIFELINE_EVIDENCE_PUBLIC_KEY_FILES: ${file}: ${error instanceof Error ? error.message : 'unreadable key'}`,
        );
      }
    });
}
