/**
 * The one private-key operation the license format needs, as a port: the encoder hands the
 * signer a fresh 16-byte AES key and gets back its raw PKCS#1 v1.5 type-1 encryption with the
 * vendor's private key (what OpenSSL calls "private encrypt" and PKCS#11 `CKM_RSA_PKCS` signing).
 * The adapters (a key file in memory, a hardware module) live in `src/signing/`; the private key
 * itself never has to be in this process.
 */
import type { KeyObject } from 'node:crypto';

export interface LicenseSigner {
  /** sha256 hex of the public key's SPKI DER, as `doctor` and the start-up log print it. */
  readonly fingerprint: string;
  /** The public half, to read back what was signed and to check the pinned fingerprint. */
  readonly publicKey: KeyObject;
  /** Where the private key is, for people: a file path, a token and key label. Never a secret. */
  readonly description: string;
  /** PKCS#1 v1.5 type-1 encryption of `aesKey` with the private key: as many bytes as the modulus. */
  privateEncrypt(aesKey: Buffer): Promise<Buffer>;
  /** Releases what the signer holds (module sessions, a thread). */
  close(): Promise<void>;
}
