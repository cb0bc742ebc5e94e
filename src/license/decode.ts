/**
 * Reads a license text as the `gitlab-license` gem does, but says precisely what is wrong when
 * it cannot: an empty paste, something that is not base64, base64 that is not a license, a
 * license made with another key, a damaged or cut-off file, a wrong attribute. It never
 * throws: whatever a customer pastes, the caller gets a result.
 */
import { constants, createDecipheriv, publicDecrypt } from 'node:crypto';
import type { LicenseAttributes } from './attributes.js';
import { removeBoundary } from './boundary.js';
import type { LicenseDecodeError } from './decode-error.js';
import { decodeError } from './decode-error.js';
import type { VerificationKey } from './keys.js';
import { decodeStrictBase64 } from './ruby-base64.js';
import { readLicenseAttributes } from './validate.js';

export type { LicenseDecodeError, LicenseDecodeErrorCode } from './decode-error.js';

export type LicenseDecodeResult =
  | {
      ok: true;
      /** The known attributes, type-checked. */
      license: LicenseAttributes;
      /** The plaintext exactly as in the file, unknown keys included. */
      json: string;
      /** The key that read it. */
      key: VerificationKey;
    }
  | { ok: false; error: LicenseDecodeError };

/** A license is about 2 KB; anything this large is something else, and is not worth parsing. */
const MAX_TEXT_LENGTH = 256 * 1024;
const AES_KEY_BYTES = 16;
const AES_BLOCK_BYTES = 16;
const ENVELOPE_START = '{"data":"';
const ASK_FOR_FILE =
  'Ask the customer for the .gitlab-license file itself, attached rather than pasted.';

type Step<T> = { ok: true; value: T } | { ok: false; error: LicenseDecodeError };

export function decodeLicense(
  text: string | Uint8Array,
  keys: readonly VerificationKey[],
): LicenseDecodeResult {
  try {
    return decodeOrExplain(text, keys);
  } catch {
    // No input may crash a caller; whatever slipped past the checks is a damaged file.
    return failure('CORRUPTED', `The license could not be read: it is damaged. ${ASK_FOR_FILE}`);
  }
}

function decodeOrExplain(
  input: string | Uint8Array,
  keys: readonly VerificationKey[],
): LicenseDecodeResult {
  const text =
    typeof input === 'string' ? input.replace(/^\uFEFF/, '') : new TextDecoder().decode(input);
  if (text.length > MAX_TEXT_LENGTH) {
    return failure(
      'NOT_A_LICENSE',
      `This is ${Math.round(text.length / 1024)} KB of text; a GitLab license is about 2 KB. ${ASK_FOR_FILE}`,
    );
  }
  const body = removeBoundary(text);
  if (body.trim().length === 0) {
    return failure(
      'EMPTY',
      'The license text is empty. Paste the whole content of the .gitlab-license file, or upload the file.',
    );
  }

  const envelope = readEnvelope(body);
  if (!envelope.ok) return envelope;
  const { data, encryptedKey, iv } = envelope.value;

  const recovered = recoverAesKey(encryptedKey, keys);
  if (!recovered.ok) return recovered;

  const plaintext = decrypt(data, recovered.value.aesKey, iv);
  if (!plaintext.ok) return plaintext;
  const json = plaintext.value;

  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return damaged('its content is not JSON');
  }
  const attributes = readLicenseAttributes(parsed);
  if (!attributes.ok) return attributes;
  return { ok: true, license: attributes.license, json, key: recovered.value.key };
}

interface Envelope {
  data: Buffer;
  encryptedKey: Buffer;
  iv: Buffer;
}

function readEnvelope(body: string): Step<Envelope> {
  const outer = decodeStrictBase64(body);
  if (!outer.ok) {
    return failure(
      'NOT_BASE64',
      outer.reason === 'alphabet'
        ? 'This is not a GitLab license: a license is base64 text (letters, digits, + and /, starting with eyJkYXRhIjoi), and this text has other characters in it. ' +
            ASK_FOR_FILE
        : `This is not a GitLab license: its base64 padding ("=") is misplaced. ${ASK_FOR_FILE}`,
    );
  }
  const start = outer.bytes.subarray(0, ENVELOPE_START.length).toString('latin1');
  // Cut short before the envelope's start was whole, a license's text still begins like it:
  // anything else (a word such as "garbage" is base64 too) is not one.
  const looksLikeLicense = start !== '' && ENVELOPE_START.startsWith(start);
  let envelope: unknown;
  try {
    envelope = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(outer.bytes));
  } catch {
    if (looksLikeLicense) {
      return failure(
        'CORRUPTED',
        `The license text is incomplete: it starts like a GitLab license but stops partway (${body.replace(/\s+/g, '').length} base64 characters). Was it cut off when copied? ${ASK_FOR_FILE}`,
      );
    }
    return failure(
      'NOT_A_LICENSE',
      `This is base64 text, but not a GitLab license (a license starts with eyJkYXRhIjoi). ${ASK_FOR_FILE}`,
    );
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    return failure(
      'NOT_A_LICENSE',
      `This is base64 text, but not a GitLab license. ${ASK_FOR_FILE}`,
    );
  }
  const fields = envelope as Record<string, unknown>;
  const names = ['data', 'key', 'iv'] as const;
  const missing = names.filter((name) => fields[name] === undefined);
  if (missing.length === names.length) {
    return failure(
      'NOT_A_LICENSE',
      `This is JSON in base64, but not a GitLab license. ${ASK_FOR_FILE}`,
    );
  }
  if (missing.length > 0) {
    return failure(
      'FIELD_MISSING',
      `The license is missing its ${missing.join(' and ')} part, so it cannot be read. ${ASK_FOR_FILE}`,
    );
  }
  const parts: Buffer[] = [];
  for (const name of names) {
    const value = fields[name];
    if (typeof value !== 'string') {
      return failure(
        'NOT_A_LICENSE',
        `The license's ${name} part is not text, so this is not a GitLab license. ${ASK_FOR_FILE}`,
      );
    }
    const decoded = decodeStrictBase64(value);
    if (!decoded.ok || !decoded.complete) return damaged(`its ${name} part is not valid base64`);
    parts.push(decoded.bytes);
  }
  const [data, encryptedKey, iv] = parts as [Buffer, Buffer, Buffer];
  if (iv.length !== AES_BLOCK_BYTES) return damaged('its iv part has the wrong length');
  if (data.length === 0 || data.length % AES_BLOCK_BYTES !== 0) {
    return damaged('its data part has the wrong length');
  }
  if (encryptedKey.length === 0) return damaged('its key part is empty');
  return { ok: true, value: { data, encryptedKey, iv } };
}

function recoverAesKey(
  encryptedKey: Buffer,
  keys: readonly VerificationKey[],
): Step<{ aesKey: Buffer; key: VerificationKey }> {
  if (keys.length === 0) {
    return failure(
      'WRONG_KEY',
      'No public key was given to read the license with; configure the license public key.',
    );
  }
  for (const key of keys) {
    let aesKey: Buffer;
    try {
      aesKey = publicDecrypt(
        { key: key.publicKey, padding: constants.RSA_PKCS1_PADDING },
        encryptedKey,
      );
    } catch {
      continue;
    }
    if (aesKey.length === AES_KEY_BYTES) return { ok: true, value: { aesKey, key } };
  }
  const tried = keys
    .map((key) => {
      const fingerprint = `sha256 ${key.fingerprint.slice(0, 16)}`;
      return key.label ? `${key.label}, ${fingerprint}` : fingerprint;
    })
    .join('; ');
  return failure(
    'WRONG_KEY',
    `This license was made with another key: none of the public keys tried can read it (${tried}). ` +
      'It may come from another GitLab installation or a test setup, or its key part is damaged. ' +
      ASK_FOR_FILE,
  );
}

function decrypt(data: Buffer, aesKey: Buffer, iv: Buffer): Step<string> {
  let bytes: Buffer;
  try {
    const decipher = createDecipheriv('aes-128-cbc', aesKey, iv);
    bytes = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return damaged('its encrypted content does not decrypt');
  }
  try {
    // No MAC protects the content: strict UTF-8 is the first sign of damage.
    return {
      ok: true,
      value: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes),
    };
  } catch {
    return damaged('its content decrypts to unreadable bytes');
  }
}

function damaged(detail: string): { ok: false; error: LicenseDecodeError } {
  return failure(
    'CORRUPTED',
    `The license is damaged (${detail}); it was changed after GitLab made it, or copied incompletely. ${ASK_FOR_FILE}`,
  );
}

function failure(
  code: LicenseDecodeError['code'],
  message: string,
): { ok: false; error: LicenseDecodeError } {
  return { ok: false, error: decodeError(code, message) };
}
