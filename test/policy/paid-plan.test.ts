import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPolicySettings } from '../../src/policy/index.js';
import { checkPaidPlan } from '../../src/policy/rules/paid-plan.js';
import { premiumFacts } from './fixtures.js';

describe('rule: paid plan', () => {
  it('passes a paid plan that is not a trial', () => {
    const outcome = checkPaidPlan(premiumFacts(), defaultPolicySettings);
    assert.deepEqual(outcome, {
      rule: 'paid_plan',
      passed: true,
      code: 'PAID_PLAN',
      message: 'Paid Premium plan, not a trial.',
    });
  });

  it('counts Starter as paid by default', () => {
    assert.equal(
      checkPaidPlan(premiumFacts({ plan: 'starter' }), defaultPolicySettings).passed,
      true,
    );
  });

  it('refuses a trial as a prospect, even of a paid tier', () => {
    const outcome = checkPaidPlan(
      premiumFacts({ plan: 'ultimate', trial: true }),
      defaultPolicySettings,
    );
    assert.equal(outcome.passed, false);
    assert.equal(outcome.code, 'PROSPECT_TRIAL');
    assert.match(outcome.message, /^The expired license is an Ultimate trial: /);
    assert.match(outcome.message, /prospect, out of scope/);
    assert.match(outcome.message, /ask for their last paid license/);
  });

  it('refuses a plan the policy does not count as paid', () => {
    const settings = {
      ...defaultPolicySettings,
      paidPlans: ['premium' as const, 'ultimate' as const],
    };
    const outcome = checkPaidPlan(premiumFacts({ plan: 'starter' }), settings);
    assert.equal(outcome.passed, false);
    assert.equal(outcome.code, 'NOT_PAID_PLAN');
    assert.match(
      outcome.message,
      /The Starter plan is not a paid plan under this policy \(paid plans: Premium, Ultimate\)/,
    );
  });

  it('is not checked without facts', () => {
    const outcome = checkPaidPlan(undefined, defaultPolicySettings);
    assert.equal(outcome.passed, false);
    assert.equal(outcome.code, 'NOT_CHECKED');
    assert.match(outcome.message, /^Not checked: /);
  });
});
