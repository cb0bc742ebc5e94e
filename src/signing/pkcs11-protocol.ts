/** The messages between the service and its PKCS#11 thread (src/signing/pkcs11-thread.ts). */

export interface Pkcs11ThreadSettings {
  module: string;
  tokenLabel: string;
  keyLabel: string;
  pin: string;
}

/** A failure, already in words for people: no PIN, no module internals beyond the CKR_ name. */
export interface Pkcs11Failure {
  code: string;
  message: string;
  /** A retry can help (a device error, a dropped session); a wrong PIN or label cannot. */
  retryable: boolean;
}

export type Pkcs11ThreadRequest =
  { type: 'sign'; id: number; data: Uint8Array } | { type: 'close' };

export type Pkcs11ThreadReply =
  | { type: 'ready'; modulus: Uint8Array; exponent: Uint8Array }
  | { type: 'unavailable'; failure: Pkcs11Failure }
  | { type: 'signed'; id: number; signature: Uint8Array }
  | { type: 'failed'; id: number; failure: Pkcs11Failure };
