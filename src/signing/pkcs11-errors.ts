/**
 * What a PKCS#11 failure means to the person who configured it. pkcs11js reports a module's
 * return value as `CKR_NAME:number` in its message; the ones below are our settings' fault and
 * are not retried, every other one (a device error, a lost session) is.
 */
import type { Pkcs11Failure, Pkcs11ThreadSettings } from './pkcs11-protocol.js';

const SETTINGS_PROBLEMS: Record<string, (settings: Pkcs11ThreadSettings) => string> = {
  CKR_PIN_INCORRECT: (s) =>
    `the PIN was refused by token "${s.tokenLabel}": check LIFELINE_SIGNING_PKCS11_PIN (or LIFELINE_SIGNING_PKCS11_PIN_FILE)`,
  CKR_PIN_LOCKED: (s) =>
    `token "${s.tokenLabel}" has locked its user PIN after too many wrong tries: its security officer must unlock it`,
  CKR_PIN_EXPIRED: (s) => `the user PIN of token "${s.tokenLabel}" has expired: set a new one`,
  CKR_PIN_LEN_RANGE: () =>
    'the PIN has a length the token does not accept: check LIFELINE_SIGNING_PKCS11_PIN',
  CKR_KEY_FUNCTION_NOT_PERMITTED: (s) =>
    `key "${s.keyLabel}" may not sign (CKA_SIGN is false): import or generate it with signing allowed`,
  CKR_KEY_TYPE_INCONSISTENT: (s) =>
    `key "${s.keyLabel}" cannot do CKM_RSA_PKCS: it must be an RSA key`,
  CKR_MECHANISM_INVALID: () =>
    'the module does not offer CKM_RSA_PKCS, the mechanism licenses need',
  CKR_TOKEN_NOT_RECOGNIZED: (s) => `the module does not recognise token "${s.tokenLabel}"`,
};

const OUR_CODES: Record<string, (settings: Pkcs11ThreadSettings) => string> = {
  PKCS11_TOKEN_NOT_FOUND: (s) =>
    `no token labelled "${s.tokenLabel}" is present in ${s.module}: check LIFELINE_SIGNING_PKCS11_TOKEN_LABEL`,
  PKCS11_KEY_NOT_FOUND: (s) =>
    `token "${s.tokenLabel}" holds no private key labelled "${s.keyLabel}": check LIFELINE_SIGNING_PKCS11_KEY_LABEL`,
  PKCS11_KEY_AMBIGUOUS: (s) =>
    `token "${s.tokenLabel}" holds more than one private key labelled "${s.keyLabel}": give the signing key a label of its own`,
  PKCS11_KEY_NOT_RSA: (s) =>
    `key "${s.keyLabel}" on token "${s.tokenLabel}" is not an RSA key with a readable modulus; GitLab licenses need RSA`,
};

export function describePkcs11Failure(
  error: unknown,
  settings: Pkcs11ThreadSettings,
): Pkcs11Failure {
  const ours = (error as { lifelineCode?: unknown } | null)?.lifelineCode;
  if (typeof ours === 'string' && OUR_CODES[ours]) {
    return { code: ours, message: `PKCS#11: ${OUR_CODES[ours](settings)}.`, retryable: false };
  }
  const text = error instanceof Error ? error.message : String(error);
  const ckr = /CKR_[A-Z_]+/.exec(text)?.[0];
  const method = /\b(C_[A-Za-z]+)\b/.exec(text)?.[1] ?? (error as { method?: string }).method;
  if (ckr && SETTINGS_PROBLEMS[ckr]) {
    return {
      code: ckr,
      message: `PKCS#11: ${SETTINGS_PROBLEMS[ckr](settings)}.`,
      retryable: false,
    };
  }
  if (ckr) {
    return {
      code: ckr,
      message: `PKCS#11: the module answered ${ckr}${method ? ` to ${method}` : ''} (token "${settings.tokenLabel}"); it is tried again with a fresh session.`,
      retryable: true,
    };
  }
  if (/dlopen|cannot open shared object|No such file|Cannot load/i.test(text)) {
    return {
      code: 'PKCS11_MODULE_UNLOADABLE',
      message: `PKCS#11: the module ${settings.module} cannot be loaded: check LIFELINE_SIGNING_PKCS11_MODULE.`,
      retryable: false,
    };
  }
  return {
    code: 'PKCS11_FAILED',
    message: `PKCS#11: the module failed (token "${settings.tokenLabel}"): ${(settings.pin ? text.replaceAll(settings.pin, '[PIN]') : text).slice(0, 200)}`,
    retryable: true,
  };
}
