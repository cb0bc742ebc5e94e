/**
 * Settings of the PKCS#11 signer: the module, the token and the key by their labels, and the
 * user PIN (inline or from a file, e.g. a systemd credential). All or none: with none, the key
 * file or the development key signs.
 */
import { readFileSync } from 'node:fs';
import { SignerError } from './signer-error.js';

export interface Pkcs11Settings {
  /** The module's shared library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  tokenLabel: string;
  keyLabel: string;
  /** A secret: never logged, never in an error. */
  pin: string;
}

const NAMES = [
  'LIFELINE_SIGNING_PKCS11_MODULE',
  'LIFELINE_SIGNING_PKCS11_TOKEN_LABEL',
  'LIFELINE_SIGNING_PKCS11_PIN',
  'LIFELINE_SIGNING_PKCS11_PIN_FILE',
  'LIFELINE_SIGNING_PKCS11_KEY_LABEL',
] as const;

function problem(message: string): SignerError {
  return new SignerError('PKCS11_SETTINGS', message, false);
}

/** undefined when no PKCS#11 setting is given; throws a SignerError naming what is missing. */
export function parsePkcs11Settings(
  env: Readonly<Record<string, string | undefined>>,
): Pkcs11Settings | undefined {
  const value = (name: (typeof NAMES)[number]) => {
    const text = env[name]?.trim();
    return text ? text : undefined;
  };
  const present = NAMES.filter((name) => value(name) !== undefined);
  if (present.length === 0) return undefined;
  const module = value('LIFELINE_SIGNING_PKCS11_MODULE');
  const tokenLabel = value('LIFELINE_SIGNING_PKCS11_TOKEN_LABEL');
  const keyLabel = value('LIFELINE_SIGNING_PKCS11_KEY_LABEL');
  const missing = [
    !module && 'LIFELINE_SIGNING_PKCS11_MODULE',
    !tokenLabel && 'LIFELINE_SIGNING_PKCS11_TOKEN_LABEL',
    !keyLabel && 'LIFELINE_SIGNING_PKCS11_KEY_LABEL',
  ].filter((name): name is string => typeof name === 'string');
  if (missing.length > 0) {
    throw problem(
      `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing (${present.join(', ')} set; the PKCS#11 signer needs the module, the token label, the key label and a PIN).`,
    );
  }
  const inline = env.LIFELINE_SIGNING_PKCS11_PIN;
  const pinFile = value('LIFELINE_SIGNING_PKCS11_PIN_FILE');
  if (inline && pinFile) {
    throw problem('Set LIFELINE_SIGNING_PKCS11_PIN or LIFELINE_SIGNING_PKCS11_PIN_FILE, not both.');
  }
  let pin = inline;
  if (pinFile) {
    try {
      // One line; the newline an editor or `echo` adds is not part of the PIN.
      pin = readFileSync(pinFile, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw problem(`LIFELINE_SIGNING_PKCS11_PIN_FILE ${pinFile} cannot be read.`);
    }
  }
  if (!pin) {
    throw problem(
      'The PKCS#11 signer needs the token user PIN: set LIFELINE_SIGNING_PKCS11_PIN or LIFELINE_SIGNING_PKCS11_PIN_FILE.',
    );
  }
  return { module: module!, tokenLabel: tokenLabel!, keyLabel: keyLabel!, pin };
}
