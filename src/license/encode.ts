/**
 * Makes a license text exactly as the `gitlab-license` gem does: the JSON encrypted with a
 * fresh AES-128-CBC key and IV, the AES key put through the vendor's RSA private key (the raw
 * PKCS#1 v1.5 type-1 operation, not a hash-and-sign signature), all wrapped in Ruby-style
 * base64. The RSA private operation is nearly the whole cost; keys arrive as parsed KeyObjects.
 */
import { constants, createCipheriv, privateEncrypt } from 'node:crypto';
import type { LicenseAttributes } from './attributes.js';
import { addBoundary } from './boundary.js';
import type { SigningKey } from './keys.js';
import type { LicenseSigner } from './signer.js';
import { takeRandomBytes } from './random-pool.js';
import { encodeRubyBase64 } from './ruby-base64.js';
import { serializeLicenseAttributes } from './serialize.js';
import { readLicenseAttributes } from './validate.js';

/** The newline after each base64 line, as it appears inside a JSON string. */
const JSON_NEWLINE = '\\n';

export interface EncodeLicenseOptions {
  /** e.g. 'GitLab' → `BEGIN GITLAB LICENSE` / `END GITLAB LICENSE` lines. Default: none. */
  boundary?: string;
}

export function encodeLicense(
  attributes: LicenseAttributes,
  key: SigningKey,
  options: EncodeLicenseOptions = {},
): string {
  const sealed = sealLicense(attributes);
  const encryptedKey = privateEncrypt(
    { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING },
    sealed.aesKey,
  );
  return wrapLicense(sealed, encryptedKey, options);
}

/**
 * The same license text, with the private-key operation done by a signer (a hardware module,
 * or a key file behind the same port). What the signer returns is checked for its length only:
 * the caller reads the license back with the signer's public key when it must be sure.
 */
export async function signLicense(
  attributes: LicenseAttributes,
  signer: LicenseSigner,
  options: EncodeLicenseOptions = {},
): Promise<string> {
  const sealed = sealLicense(attributes);
  const encryptedKey = await signer.privateEncrypt(sealed.aesKey);
  const modulusBytes = Math.ceil((signer.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (encryptedKey.length !== modulusBytes) {
    throw new RangeError(
      `The signer returned ${encryptedKey.length} bytes for a ${modulusBytes * 8}-bit key; it did not do a PKCS#1 v1.5 RSA operation.`,
    );
  }
  return wrapLicense(sealed, encryptedKey, options);
}

interface SealedLicense {
  data: Buffer;
  aesKey: Buffer;
  iv: Buffer;
}

/** The attributes checked, serialized and encrypted with a fresh AES key: all but the RSA part. */
function sealLicense(attributes: LicenseAttributes): SealedLicense {
  // Refuse to sign what GitLab, or our own decoder, would refuse to read. The object is checked
  // as it is: everything serialization writes (it drops undefined) is checked the same way.
  const check = readLicenseAttributes(attributes);
  if (!check.ok) throw new RangeError(`Cannot make this license: ${check.error.message}`);
  const json = serializeLicenseAttributes(attributes);

  const secret = takeRandomBytes(32);
  const aesKey = secret.subarray(0, 16);
  const iv = secret.subarray(16, 32);
  const cipher = createCipheriv('aes-128-cbc', aesKey, iv);
  const data = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  return { data, aesKey, iv };
}

function wrapLicense(
  { data, iv }: SealedLicense,
  encryptedKey: Buffer,
  options: EncodeLicenseOptions,
): string {
  // Base64 and `\n` need no JSON escaping beyond the newline, so the envelope is written
  // directly, in the gem's key order; it is pure ASCII.
  const envelope =
    `{"data":"${encodeRubyBase64(data, JSON_NEWLINE)}","key":"${encodeRubyBase64(encryptedKey, JSON_NEWLINE)}",` +
    `"iv":"${encodeRubyBase64(iv, JSON_NEWLINE)}"}`;
  const text = encodeRubyBase64(Buffer.from(envelope, 'latin1'));
  return options.boundary === undefined ? text : addBoundary(text, options.boundary);
}
