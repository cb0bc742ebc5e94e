import type { Decision } from '../policy/index.js';

/** The decision as answers show it: everything but the raw inputs (which hold the license file). */
export function decisionView(decision: Decision) {
  return {
    eligible: decision.eligible,
    // Decisions recorded before the guardrails have neither field.
    needsApproval: decision.needsApproval ?? false,
    guardrails: decision.guardrails ?? [],
    summary: decision.summary,
    rules: decision.rules,
    warnings: decision.warnings,
    policyVersion: decision.policyVersion,
    decidedOn: decision.decidedOn,
    facts: decision.facts ?? null,
  };
}

export type DecisionView = ReturnType<typeof decisionView>;
