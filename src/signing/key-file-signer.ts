/**
 * The signer of a private key held in this process: the key file (LIFELINE_SIGNING_KEY_FILE)
 * or the development key, parsed once. The operation is OpenSSL's, synchronous and about
 * 0.25 ms; it is wrapped in a promise only to fit the port.
 */
import { constants, privateEncrypt } from 'node:crypto';
import type { LicenseSigner, SigningKey } from '../license/index.js';

export function keyFileSigner(key: SigningKey, description: string): LicenseSigner {
  return {
    fingerprint: key.fingerprint,
    publicKey: key.publicKey,
    description,
    privateEncrypt(aesKey) {
      return Promise.resolve(
        privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, aesKey),
      );
    },
    close: () => Promise.resolve(),
  };
}
