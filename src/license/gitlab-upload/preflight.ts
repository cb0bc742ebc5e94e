/**
 * What GitLab EE will do when this license is uploaded, reproduced from its source
 * (`shared/specs/gitlab-upload-rules.md`): refuse it (and with which message), or accept it and
 * from when to when it is active on that instance. Pure: the instant and the zones are inputs.
 * The policy's seat rule and `lifeline license preflight` both come here, so they cannot disagree.
 */
import type { LicenseAttributes } from '../attributes.js';
import { decodeLicense } from '../decode.js';
import type { VerificationKey } from '../keys.js';
import type { SeatEvidence } from './seats.js';
import { checkSeats } from './seats.js';
import type { TimeZone } from './time-zones.js';
import { dayIn, startOfDayIn } from './time-zones.js';

export const INVALID_LICENSE_MESSAGE =
  'The license key is invalid. Make sure it is exactly as you received it from GitLab Inc.';
export const EXPIRED_LICENSE_MESSAGE = 'This license has already expired.';

export interface PreflightInput {
  /** The decoded license, or undefined when GitLab's key cannot open the file. */
  license: LicenseAttributes | undefined;
  seats: SeatEvidence;
  /** The moment of the upload. */
  atMs: number;
  /** `gitlab_rails['time_zone']`: decides when the license has started. */
  gitlabTimeZone: TimeZone;
  /** The server's OS zone: decides when the license has expired. */
  serverTimeZone: TimeZone;
}

export interface PreflightResult {
  accepted: boolean;
  /** GitLab's message for the first refusal (what its API answers), or null. */
  message: string | null;
  /** When the license is active from on that instance: the upload, or its later start. */
  activeFrom: string | null;
  /** The instant it expires on that instance: 00:00 on expires_at, server time. */
  expiresAt: string | null;
  /** Hours from activeFrom to expiresAt (0 when it never becomes active). */
  validHours: number;
}

export function preflightUpload(input: PreflightInput): PreflightResult {
  const { license } = input;
  if (license === undefined) return refused(INVALID_LICENSE_MESSAGE, null, null);
  const startsMs = startOfDayIn(input.gitlabTimeZone, license.issued_at);
  const expiresMs = startOfDayIn(input.serverTimeZone, license.expires_at);
  const activeFromMs = Math.max(input.atMs, startsMs);
  const activeFrom = new Date(activeFromMs).toISOString();
  const expiresAt = new Date(expiresMs).toISOString();

  if (seatCheckApplies(license)) {
    const restrictions = license.restrictions ?? {};
    const seats = checkSeats(
      restrictions.active_user_count ?? 0,
      restrictions.previous_user_count,
      input.seats,
    );
    if (!seats.accepted) return refused(seats.message ?? null, activeFrom, expiresAt);
  }
  if (dayIn(input.serverTimeZone, input.atMs) >= license.expires_at) {
    return refused(EXPIRED_LICENSE_MESSAGE, activeFrom, expiresAt);
  }
  return {
    accepted: true,
    message: null,
    activeFrom,
    expiresAt,
    validHours: hoursBetween(activeFromMs, expiresMs),
  };
}

/** The same, from the file's text and the public keys the instance holds. */
export function preflightLicenseText(
  text: string | Uint8Array,
  keys: readonly VerificationKey[],
  input: Omit<PreflightInput, 'license'>,
): PreflightResult {
  const decoded = decodeLicense(text, keys);
  return preflightUpload({ ...input, license: decoded.ok ? decoded.license : undefined });
}

/**
 * GitLab skips the seat check for cloud licenses, for true-ups, and for a license without a
 * seat limit (no active_user_count: unlimited).
 */
function seatCheckApplies(license: LicenseAttributes): boolean {
  const restrictions = license.restrictions ?? {};
  if (license.cloud_licensing_enabled) return false;
  if (restrictions.active_user_count === undefined) return false;
  const trueUp =
    restrictions.trueup_quantity !== undefined &&
    restrictions.trueup_from !== undefined &&
    restrictions.trueup_to !== undefined;
  return !trueUp;
}

function refused(
  message: string | null,
  activeFrom: string | null,
  expiresAt: string | null,
): PreflightResult {
  return { accepted: false, message, activeFrom, expiresAt, validHours: 0 };
}

function hoursBetween(fromMs: number, toMs: number): number {
  return Math.max(0, Math.round((toMs - fromMs) / 36_000) / 100);
}
