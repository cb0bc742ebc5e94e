/** The GitLab license format: attributes, keys, encode, decode, status. Pure: no I/O. */
export * from './calendar-date.js';
export type { LicenseAttributes, LicenseRestrictions, LicensePlan } from './attributes.js';
export {
  KeyError,
  MIN_RSA_BITS,
  generateSigningKeyPair,
  loadSigningKey,
  loadVerificationKey,
  publicKeyFingerprint,
} from './keys.js';
export type { KeyErrorCode, SigningKey, VerificationKey } from './keys.js';
export { encodeLicense, signLicense } from './encode.js';
export type { LicenseSigner } from './signer.js';
export type { EncodeLicenseOptions } from './encode.js';
export { serializeLicenseAttributes } from './serialize.js';
export { decodeLicense } from './decode.js';
export type { LicenseDecodeError, LicenseDecodeErrorCode, LicenseDecodeResult } from './decode.js';
export { licenseDecodeErrorCodes } from './decode-error.js';
export { DEFAULT_GRACE_PERIOD_DAYS, licenseStatus } from './status.js';
export type { LicenseStatus } from './status.js';
export {
  buildEmergencyLicense,
  defaultEmergencyLicenseSettings,
  emergencyLicenseDates,
} from './emergency.js';
export type { EmergencyLicenseInput, EmergencyLicenseSettings } from './emergency.js';
export * from './gitlab-upload/index.js';
export { licenseFileName, licenseFingerprint } from './fingerprint.js';
