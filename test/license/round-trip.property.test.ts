/** Properties over many inputs: encode→decode gives back what went in; nothing makes decode throw. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeLicense,
  encodeLicense,
  licenseDecodeErrorCodes,
  serializeLicenseAttributes,
} from '../../src/license/index.js';
import type {
  CalendarDate,
  LicenseAttributes,
  LicenseRestrictions,
} from '../../src/license/index.js';
import {
  otherVerificationKey,
  readFixture,
  testSigningKey,
  testVerificationKey,
} from './fixtures.js';

const signing = testSigningKey();
const keys = [testVerificationKey()];

const date = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10) as CalendarDate);
const text = fc.string({ unit: 'binary', maxLength: 40 });
const count = fc.nat({ max: 1_000_000 });

const restrictions: fc.Arbitrary<LicenseRestrictions> = fc.record(
  {
    active_user_count: count,
    plan: fc.constantFrom('starter' as const, 'premium' as const, 'ultimate' as const),
    trial: fc.boolean(),
    id: count,
    subscription_id: text,
    previous_user_count: count,
    trueup_quantity: count,
    trueup_from: date,
    trueup_to: date,
    add_ons: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), count, { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

const attributes: fc.Arbitrary<LicenseAttributes> = fc
  .record(
    {
      licensee: fc.dictionary(
        fc.constantFrom('Name', 'Email', 'Company', 'Phone', 'Ärger', '名前'),
        text,
        { minKeys: 1 },
      ),
      issued_at: date,
      expires_at: date,
      notify_admins_at: date,
      notify_users_at: date,
      block_changes_at: date,
      cloud_licensing_enabled: fc.boolean(),
      offline_cloud_licensing_enabled: fc.boolean(),
      auto_renew_enabled: fc.boolean(),
      seat_reconciliation_enabled: fc.boolean(),
      operational_metrics_enabled: fc.boolean(),
      generated_from_customers_dot: fc.boolean(),
      generated_from_cancellation: fc.boolean(),
      restrictions,
    },
    {
      requiredKeys: [
        'licensee',
        'issued_at',
        'expires_at',
        'cloud_licensing_enabled',
        'offline_cloud_licensing_enabled',
        'auto_renew_enabled',
        'seat_reconciliation_enabled',
        'operational_metrics_enabled',
        'generated_from_customers_dot',
        'generated_from_cancellation',
      ],
    },
  )
  .map((fields): LicenseAttributes => {
    const license: LicenseAttributes = { version: 1, ...fields };
    // GitLab requires cloud licensing for offline cloud licensing.
    if (license.offline_cloud_licensing_enabled) license.cloud_licensing_enabled = true;
    return license;
  });

/** The attributes as the file keeps them: empty restrictions are left out. */
function asWritten(license: LicenseAttributes): LicenseAttributes {
  return JSON.parse(serializeLicenseAttributes(license)) as LicenseAttributes;
}

function assertKnownFailure(input: string | Uint8Array, verificationKeys = keys): void {
  const result = decodeLicense(input, verificationKeys);
  assert.equal(result.ok, false);
  assert.ok(
    !result.ok && licenseDecodeErrorCodes.includes(result.error.code),
    JSON.stringify(result),
  );
  assert.ok(result.error.message.length > 20);
}

const sample = readFixture('emergency-ultimate-250.gitlab-license');
const sampleJson = readFixture('emergency-ultimate-250.json');

describe('license properties', () => {
  it('decodes what it encodes, for any valid attributes', () => {
    fc.assert(
      fc.property(attributes, (license) => {
        const result = decodeLicense(encodeLicense(license, signing), keys);
        assert.ok(result.ok, result.ok ? '' : result.error.message);
        assert.equal(result.json, serializeLicenseAttributes(license));
        assert.deepEqual({ ...result.license }, asWritten(license));
      }),
      { numRuns: 150 },
    );
  });

  it('never reads a different license from a text with one character changed', () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...'AB+/9z=\n-'), (position, replacement) => {
        const index = position % sample.length;
        const changed = `${sample.slice(0, index)}${replacement}${sample.slice(index + 1)}`;
        const result = decodeLicense(changed, keys);
        if (result.ok) assert.equal(result.json, sampleJson);
        else assert.ok(licenseDecodeErrorCodes.includes(result.error.code));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a valid license under a key that did not make it', () => {
    assertKnownFailure(sample, [otherVerificationKey()]);
  });

  it('never throws on a license with random bytes changed', () => {
    const bytes = Buffer.from(sample, 'utf8');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (changes) => {
          const copy = Buffer.from(bytes);
          for (const [position, value] of changes) copy[position % copy.length] = value;
          const result = decodeLicense(copy, keys);
          if (result.ok) assert.equal(result.json, sampleJson);
          else assert.ok(licenseDecodeErrorCodes.includes(result.error.code));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses any truncation of a license', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sample.length - 90 }), (length) => {
        assertKnownFailure(sample.slice(0, length));
      }),
      { numRuns: 150 },
    );
  });

  it('refuses garbage strings and random bytes with a known code', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789+/=\n\r -') }),
          fc.uint8Array({ maxLength: 3000 }),
          fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('base64')),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64')),
        ),
        (input) => assertKnownFailure(input),
      ),
      { numRuns: 200 },
    );
  });
});
