/**
 * The vendor's RSA key pair, as KeyObjects parsed once: the signing (private) half makes
 * licenses, the verification (public) half reads them. Error messages name the problem and
 * never quote the key, since a private key must not end up in a log or a terminal scrollback.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** GitLab's own license keys are RSA-2048; anything smaller is refused. */
export const MIN_RSA_BITS = 2048;

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** sha256 hex of the public key's SPKI DER: the same for the private and the public file. */
  fingerprint: string;
}

export interface VerificationKey {
  publicKey: KeyObject;
  fingerprint: string;
  /** Where the key came from (a file name, a setting), shown when it is the one that matched. */
  label?: string;
}

export type KeyErrorCode =
  'KEY_UNREADABLE' | 'KEY_ENCRYPTED' | 'KEY_NOT_RSA' | 'KEY_TOO_SMALL' | 'KEY_NOT_PRIVATE';

export class KeyError extends Error {
  override readonly name = 'KeyError';
  constructor(
    readonly code: KeyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function publicKeyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** A PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`) PEM of an RSA key. */
export function loadSigningKey(pem: string): SigningKey {
  requirePem(pem);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    if (isEncrypted(pem, error)) {
      throw new KeyError(
        'KEY_ENCRYPTED',
        'The private key is encrypted with a passphrase; give an unencrypted PEM (openssl rsa -in KEY -out PLAIN).',
      );
    }
    if (isPublicPem(pem)) {
      throw new KeyError(
        'KEY_NOT_PRIVATE',
        'This is a public key; making a license needs the private key (license_key.pem).',
      );
    }
    throw unreadable();
  }
  requireRsa(privateKey);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, fingerprint: publicKeyFingerprint(publicKey) };
}

/**
 * An SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`) PEM; a private key PEM is
 * accepted too and only its public half is kept.
 */
export function loadVerificationKey(pem: string, label?: string): VerificationKey {
  requirePem(pem);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    if (isEncrypted(pem, error)) {
      throw new KeyError(
        'KEY_ENCRYPTED',
        'The key is an encrypted private key; give the public key file (license_key.pub) instead.',
      );
    }
    throw unreadable();
  }
  requireRsa(publicKey);
  const key: VerificationKey = { publicKey, fingerprint: publicKeyFingerprint(publicKey) };
  if (label !== undefined) key.label = label;
  return key;
}

/** A new vendor key pair: PKCS#1 private PEM and SPKI public PEM, like the gem's examples. */
export function generateSigningKeyPair(bits = MIN_RSA_BITS): {
  privatePem: string;
  publicPem: string;
} {
  if (!Number.isSafeInteger(bits) || bits < MIN_RSA_BITS || bits > 16384) {
    throw new RangeError(
      `An RSA key size must be a whole number from ${MIN_RSA_BITS} to 16384 bits.`,
    );
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

function requirePem(pem: string): void {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN ')) throw unreadable();
}

function requireRsa(key: KeyObject): void {
  // rsa-pss keys cannot do the raw PKCS#1 v1.5 operation the format needs.
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyError(
      'KEY_NOT_RSA',
      `The key is ${key.asymmetricKeyType?.toUpperCase() ?? 'not RSA'}; GitLab licenses need an RSA key.`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new KeyError(
      'KEY_TOO_SMALL',
      `The RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required.`,
    );
  }
}

function isPublicPem(pem: string): boolean {
  try {
    createPublicKey({ key: pem, format: 'pem' });
    return true;
  } catch {
    return false;
  }
}

/** OpenSSL 3 reports a missing passphrase as an interrupted operation; the PEM header is surer. */
function isEncrypted(pem: string, error: unknown): boolean {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MISSING_PASSPHRASE';
}

function unreadable(): KeyError {
  return new KeyError(
    'KEY_UNREADABLE',
    'The key is not a readable PEM key (expected a "-----BEGIN ... KEY-----" block).',
  );
}
