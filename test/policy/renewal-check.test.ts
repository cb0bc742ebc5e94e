import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LicenseAttributes } from '../../src/license/index.js';
import { defaultPolicySettings } from '../../src/policy/index.js';
import { checkRenewal } from '../../src/policy/renewal-check.js';
import { day } from './fixtures.js';

function license(
  licensee: Record<string, string>,
  restrictions: LicenseAttributes['restrictions'],
  issuedAt = '2026-12-08',
): LicenseAttributes {
  return {
    version: 1,
    licensee,
    issued_at: day(issuedAt),
    expires_at: day('2027-12-08'),
    cloud_licensing_enabled: false,
    offline_cloud_licensing_enabled: false,
    auto_renew_enabled: false,
    seat_reconciliation_enabled: false,
    operational_metrics_enabled: false,
    generated_from_customers_dot: true,
    generated_from_cancellation: false,
    ...(restrictions && { restrictions }),
  };
}

const request = { email: 'jane@acme.example', emailDomain: 'acme.example', company: 'acme' };
const endsOn = day('2026-12-10');

describe('checkRenewal', () => {
  it('accepts the same company under another email domain, and says why', () => {
    const checked = checkRenewal(
      license(
        { Email: 'it@acme-group.example', Company: 'ACME, Inc.' },
        { plan: 'ultimate', active_user_count: 500 },
      ),
      request,
      endsOn,
      defaultPolicySettings,
    );
    assert.ok(checked.ok);
    assert.equal(checked.facts.sameCustomerBecause, 'same company “acme”');
    assert.equal(checked.facts.userCount, 500);
  });

  it('reads a license without a plan as Starter, which is paid', () => {
    const checked = checkRenewal(
      license({ Email: 'ops@acme.example' }, { active_user_count: 20 }),
      request,
      endsOn,
      defaultPolicySettings,
    );
    assert.ok(checked.ok);
    assert.equal(checked.facts.plan, 'starter');
  });

  it('refuses a public mail domain that is not the same address', () => {
    const checked = checkRenewal(
      license({ Email: 'someone@gmail.com' }, { plan: 'premium' }),
      { email: 'jane@gmail.com' },
      endsOn,
      defaultPolicySettings,
    );
    assert.equal(checked.ok, false);
    assert.match(checked.ok ? '' : checked.message, /another customer \(someone@gmail\.com\)/);
  });

  it('accepts a renewal that starts on the very day the temporary license ends', () => {
    const checked = checkRenewal(
      license({ Email: 'ops@acme.example' }, { plan: 'premium' }, '2026-12-10'),
      request,
      endsOn,
      defaultPolicySettings,
    );
    assert.ok(checked.ok);
  });
});
