import type { SubscriptionFacts } from '../evidence.js';
import type { RuleOutcome } from '../rule-outcome.js';
import { notChecked } from '../rule-outcome.js';
import type { PolicySettings } from '../settings.js';
import { planName, withArticle } from '../wording.js';

/**
 * Paid plan: the expired license is a paid tier and not a trial. A trial comes first because a
 * trial of a paid tier (an "Ultimate trial") is still a prospect's license.
 */
export function checkPaidPlan(
  facts: SubscriptionFacts | undefined,
  settings: PolicySettings,
): RuleOutcome {
  if (facts === undefined)
    return notChecked('paid_plan', 'the plan is unknown until the evidence can be read');
  const plan = planName(facts.plan);
  if (facts.trial) {
    return {
      rule: 'paid_plan',
      passed: false,
      code: 'PROSPECT_TRIAL',
      message: `The expired license is ${withArticle(`${plan} trial`)}: a customer who only had a trial is a prospect, out of scope for an emergency license. If they sent the temporary license from an earlier emergency, ask for their last paid license instead.`,
    };
  }
  if (!settings.paidPlans.includes(facts.plan)) {
    const paid = settings.paidPlans.map(planName).join(', ') || 'none';
    return {
      rule: 'paid_plan',
      passed: false,
      code: 'NOT_PAID_PLAN',
      message: `The ${plan} plan is not a paid plan under this policy (paid plans: ${paid}): out of scope for an emergency license.`,
    };
  }
  return {
    rule: 'paid_plan',
    passed: true,
    code: 'PAID_PLAN',
    message: `Paid ${plan} plan, not a trial.`,
  };
}
