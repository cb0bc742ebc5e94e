/**
 * The emergency eligibility policy: pure code (no I/O, no clock, no database). The HTTP layer
 * calls decide() with today's date and the store's candidate earlier emergencies, then stores
 * the decision; replayDecision() re-runs a stored one.
 */
export type { PolicySettings } from './settings.js';
export {
  canonicalJson,
  defaultPolicySettings,
  defaultPublicEmailDomains,
  normalisePolicySettings,
  policySettingsProblems,
  policyVersion,
} from './settings.js';
export type { EvidenceInput, EvidenceReading, SubscriptionFacts } from './evidence.js';
export { readEvidence } from './evidence.js';
export type { CustomerKeys } from './customer-keys.js';
export {
  customerKeys,
  emailDomainOf,
  isPublicEmailDomain,
  normaliseCompany,
  normaliseMailbox,
  registrableDomain,
} from './customer-keys.js';
export type { RuleName, RuleOutcome } from './rule-outcome.js';
export { ruleOrder } from './rule-outcome.js';
export type { EarlierEmergency } from './rules/repeat.js';
export { extensionSeatsProblem } from './rules/seats.js';
export type {
  ApprovalGuardrailSettings,
  GuardrailName,
  GuardrailOutcome,
  RecentIssues,
  RefusedRequest,
} from './guardrails.js';
export { defaultApprovalGuardrails, guardrailOrder } from './guardrails.js';
export { graceEndsOn, windowStartsOn } from './rules/window.js';
export type { Decision, DecisionInput, LicenseTerms } from './decide.js';
export { decide, replayDecision } from './decide.js';
export type { TicketAttachment, TicketEvidence } from './ticket-evidence.js';
export { isImage } from './ticket-evidence.js';
