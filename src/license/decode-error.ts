/**
 * Why a license text could not be read: a stable code for programs, and a sentence a support
 * engineer understands that says what to do next.
 */
export type LicenseDecodeErrorCode =
  | 'EMPTY'
  | 'NOT_BASE64'
  | 'NOT_A_LICENSE'
  | 'FIELD_MISSING'
  | 'WRONG_KEY'
  | 'CORRUPTED'
  | 'UNSUPPORTED_VERSION'
  | 'INVALID_ATTRIBUTE';

export const licenseDecodeErrorCodes: readonly LicenseDecodeErrorCode[] = [
  'EMPTY',
  'NOT_BASE64',
  'NOT_A_LICENSE',
  'FIELD_MISSING',
  'WRONG_KEY',
  'CORRUPTED',
  'UNSUPPORTED_VERSION',
  'INVALID_ATTRIBUTE',
];

export interface LicenseDecodeError {
  code: LicenseDecodeErrorCode;
  message: string;
}

export function decodeError(code: LicenseDecodeErrorCode, message: string): LicenseDecodeError {
  return { code, message };
}
