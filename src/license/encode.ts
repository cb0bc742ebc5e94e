/**
 * Makes a license text exactly as the `gitlab-license` gem does: the JSON encrypted with a
 * fresh AES-128-CBC key and IV, the AES key put through the vendor's RSA private key (the raw
 * PKCS#1 v1.5 type-1 operation, not a hash-and-sign signature), all wrapped in Ruby-style
 * base64. The RSA private operation is nearly the whole cost; keys arrive as parsed KeyObjects.
 */
import { constants, createCipheriv, privateEncrypt, randomBytes } from 'node:crypto';
import type { LicenseAttributes } from './attributes.js';
import { addBoundary } from './boundary.js';
import type { SigningKey } from './keys.js';
import { encodeRubyBase64 } from './ruby-base64.js';
import { serializeLicenseAttributes } from './serialize.js';
import { readLicenseAttributes } from './validate.js';

export interface EncodeLicenseOptions {
  /** e.g. 'GitLab' → `BEGIN GITLAB LICENSE` / `END GITLAB LICENSE` lines. Default: none. */
  boundary?: string;
}

export function encodeLicense(
  attributes: LicenseAttributes,
  key: SigningKey,
  options: EncodeLicenseOptions = {},
): string {
  const json = serializeLicenseAttributes(attributes);
  // Refuse to sign what GitLab, or our own decoder, would refuse to read.
  const check = readLicenseAttributes(JSON.parse(json));
  if (!check.ok) throw new RangeError(`Cannot make this license: ${check.error.message}`);

  const secret = randomBytes(32);
  const aesKey = secret.subarray(0, 16);
  const iv = secret.subarray(16, 32);
  const cipher = createCipheriv('aes-128-cbc', aesKey, iv);
  const data = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  const encryptedKey = privateEncrypt(
    { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING },
    aesKey,
  );
  const envelope = JSON.stringify({
    data: encodeRubyBase64(data),
    key: encodeRubyBase64(encryptedKey),
    iv: encodeRubyBase64(iv),
  });
  const text = encodeRubyBase64(Buffer.from(envelope, 'utf8'));
  return options.boundary === undefined ? text : addBoundary(text, options.boundary);
}
