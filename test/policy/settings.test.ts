import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultPolicySettings,
  normalisePolicySettings,
  policySettingsProblems,
  policyVersion,
} from '../../src/policy/index.js';

describe('policy settings', () => {
  it('has the defaults of the support process', () => {
    assert.equal(defaultPolicySettings.gracePeriodDays, 14);
    assert.equal(defaultPolicySettings.emergencyWindowDays, 3);
    assert.equal(defaultPolicySettings.windowCountsFrom, 'grace_end');
    assert.equal(defaultPolicySettings.maxUserCount, 100_000);
    assert.equal(defaultPolicySettings.repeatPeriodDays, 30);
    assert.deepEqual(defaultPolicySettings.paidPlans, ['starter', 'premium', 'ultimate']);
    assert.ok(defaultPolicySettings.publicEmailDomains.includes('gmail.com'));
    assert.deepEqual(policySettingsProblems(defaultPolicySettings), []);
  });

  it('names a policy with a short, stable version', () => {
    const version = policyVersion(defaultPolicySettings);
    assert.match(version, /^p3-[0-9a-f]{8}$/);
    assert.equal(policyVersion({ ...defaultPolicySettings }), version);
  });

  it('gives another version when any setting changes', () => {
    const base = policyVersion(defaultPolicySettings);
    const changed = [
      { gracePeriodDays: 15 },
      { emergencyWindowDays: 4 },
      { windowCountsFrom: 'expiry' as const },
      { maxUserCount: 5000 },
      { repeatPeriodDays: 60 },
      { paidPlans: ['premium' as const, 'ultimate' as const] },
      { publicEmailDomains: ['gmail.com'] },
      { escalationContact: 'the on-call manager' },
    ].map((change) => policyVersion({ ...defaultPolicySettings, ...change }));
    assert.equal(new Set([base, ...changed]).size, changed.length + 1);
  });

  it('ignores the order and case of lists, which mean sets', () => {
    const reordered = {
      ...defaultPolicySettings,
      paidPlans: [...defaultPolicySettings.paidPlans].reverse(),
      publicEmailDomains: defaultPolicySettings.publicEmailDomains
        .map((d) => d.toUpperCase())
        .reverse(),
    };
    assert.equal(policyVersion(reordered), policyVersion(defaultPolicySettings));
    assert.deepEqual(
      normalisePolicySettings(reordered),
      normalisePolicySettings(defaultPolicySettings),
    );
  });

  it('explains settings that cannot work', () => {
    const problems = policySettingsProblems({
      ...defaultPolicySettings,
      gracePeriodDays: -1,
      emergencyWindowDays: 2.5,
      maxUserCount: 0,
      paidPlans: [],
      escalationContact: ' ',
    });
    assert.equal(problems.length, 5);
    assert.match(problems.join('\n'), /gracePeriodDays must be a whole number of days/);
    assert.match(problems.join('\n'), /emergencyWindowDays .*\(got 2\.5\)/);
    assert.match(problems.join('\n'), /maxUserCount/);
    assert.match(problems.join('\n'), /paidPlans must name at least one plan/);
    assert.match(problems.join('\n'), /escalationContact/);
  });
});
