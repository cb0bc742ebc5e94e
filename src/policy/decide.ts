import type { CalendarDate } from '../license/calendar-date.js';
import { isCalendarDate } from '../license/calendar-date.js';
import type { VerificationKey } from '../license/index.js';
import type { CustomerKeys } from './customer-keys.js';
import { customerKeys, emailDomainOf } from './customer-keys.js';
import type { EvidenceInput, EvidenceReading, SubscriptionFacts } from './evidence.js';
import { readEvidence } from './evidence.js';
import type { TicketEvidence } from './ticket-evidence.js';
import { withTicketEvidence } from './ticket-evidence.js';
import type { GuardrailOutcome, RecentIssues, RefusedRequest } from './guardrails.js';
import { checkGuardrails } from './guardrails.js';
import type { RuleName, RuleOutcome } from './rule-outcome.js';
import { notChecked, ruleOrder } from './rule-outcome.js';
import { checkPaidPlan } from './rules/paid-plan.js';
import type { EarlierEmergency } from './rules/repeat.js';
import { checkRepeat } from './rules/repeat.js';
import { checkSeatCount } from './rules/seats.js';
import { checkUserCount, userCountWarnings } from './rules/user-count.js';
import { checkWindow, windowStartsOn } from './rules/window.js';
import type { PolicySettings } from './settings.js';
import { normalisePolicySettings, policyVersion } from './settings.js';
import { days, planName, users } from './wording.js';

export interface DecisionInput {
  /** The emergency's day (the service's clock day): the policy itself never reads a clock. */
  today: CalendarDate;
  customerEmail: string;
  /** Any number from JSON: the user-count rule checks it is a whole number in range. */
  userCount: number;
  evidence: EvidenceInput;
  /** Candidates from the store; decide() keeps those that match the customer and the period. */
  earlierEmergencies: EarlierEmergency[];
  /** What the ticket showed (its attachments), when a desk that reads tickets is configured. */
  ticketEvidence?: TicketEvidence;
  /** Licenses in the last 24 hours, for the daily caps (absent: the caps are not checked). */
  recentIssues?: RecentIssues;
  /** Candidates refused before; decide() keeps the prospects that match the customer. */
  refusedBefore?: RefusedRequest[];
}

export interface Decision {
  /** No rule refuses: a license may be issued (at once, or once approved: needsApproval). */
  eligible: boolean;
  /** Eligible, but held by a guardrail: it waits for an approver who is not the requester. */
  needsApproval: boolean;
  /** Every guardrail that holds the request, each with its code and sentence. */
  guardrails: GuardrailOutcome[];
  policyVersion: string;
  decidedOn: CalendarDate;
  /** Every rule in ruleOrder, even after a failure. */
  rules: RuleOutcome[];
  /** Things to look at that do not block: low seats, typed values the file overrides, … */
  warnings: string[];
  facts?: SubscriptionFacts;
  /** What the license must say, when eligible: the seats, and previous_user_count where it helps. */
  licenseTerms?: LicenseTerms;
  customerKeys: CustomerKeys;
  /** One sentence: "Eligible: …", "Needs approval: …", or the first failing rule's message. */
  summary: string;
  /** Recorded for replay (the license file as given). */
  input: DecisionInput;
  /** Recorded for replay, in canonical form. */
  settings: PolicySettings;
}

export interface LicenseTerms {
  userCount: number;
  previousUserCount?: number;
}

/**
 * Applies the policy. Pure: the day, the earlier emergencies and the keys all come in as
 * arguments, so replaying the recorded input and settings gives the same decision. Never throws:
 * a rule that breaks is recorded as failed with RULE_ERROR, which keeps the request ineligible.
 */
export function decide(
  input: DecisionInput,
  evidenceKeys: readonly VerificationKey[],
  settings: PolicySettings,
): Decision {
  // A copy, so that a caller changing its input later cannot change what was recorded.
  const recordedInput = guarded(
    () => structuredClone(input),
    () => input,
  );
  const policy = normalisePolicySettings(settings);
  const today = input.today;
  const todayKnown = isCalendarDate(today);

  const reading = guardedReading(() => readEvidence(input.evidence, evidenceKeys));
  const facts = reading.ok ? reading.facts : undefined;
  const keys = guarded(
    () => customerKeys(input.customerEmail, facts, policy),
    () => ({ email: String(input.customerEmail) }),
  );

  const outcomes: Record<RuleName, RuleOutcome> = {
    evidence: guardedRule('evidence', () =>
      withTicketEvidence(evidenceOutcome(reading), reading, input.ticketEvidence),
    ),
    paid_plan: guardedRule('paid_plan', () => checkPaidPlan(facts, policy)),
    window: guardedRule('window', () =>
      todayKnown
        ? checkWindow(facts, today, policy)
        : notChecked('window', `today’s date ${String(today)} is not a YYYY-MM-DD date`),
    ),
    user_count: guardedRule('user_count', () => checkUserCount(input.userCount, policy)),
    seats: guardedRule('seats', () => checkSeatCount(input.userCount, facts, policy)),
    repeat: guardedRule('repeat', () =>
      todayKnown
        ? checkRepeat(keys, input.earlierEmergencies, today, policy)
        : notChecked('repeat', `today’s date ${String(today)} is not a YYYY-MM-DD date`),
    ),
  };
  // A repeat is no longer refused: a second person may grant a second license.
  if (outcomes.repeat.code === 'REPEAT')
    outcomes.repeat = { ...outcomes.repeat, needsApproval: true };
  // Nor is a ticket Zendesk would not show: a second person checks the screenshots instead.
  if (outcomes.evidence.code === 'ZENDESK_UNREACHABLE')
    outcomes.evidence = { ...outcomes.evidence, needsApproval: true };
  const rules = ruleOrder.map((rule) => outcomes[rule]);
  const eligible = rules.every((outcome) => outcome.passed || outcome.needsApproval === true);
  const guardrails = eligible
    ? guarded(
        () =>
          checkGuardrails(
            {
              userCount: input.userCount,
              facts,
              keys,
              repeat: outcomes.repeat,
              evidence: outcomes.evidence,
              ...(input.recentIssues !== undefined && { recentIssues: input.recentIssues }),
              ...(input.refusedBefore !== undefined && { refusedBefore: input.refusedBefore }),
            },
            policy,
          ),
        (): GuardrailOutcome[] => [
          {
            guardrail: 'seats_over_evidence',
            code: 'RULE_ERROR',
            message:
              'The guardrails could not be checked because of an internal error: a second person must approve. Report this to the Lifeline maintainers.',
          },
        ],
      )
    : [];
  const needsApproval = guardrails.length > 0;

  const warnings = [
    ...(reading.ok ? reading.disagreements : []),
    ...guarded(
      () => userCountWarnings(input.userCount, facts),
      () => [],
    ),
    ...guarded(
      () => requesterWarnings(keys, facts),
      () => [],
    ),
  ];

  const decision: Decision = {
    eligible,
    needsApproval,
    guardrails,
    policyVersion: policyVersion(policy),
    decidedOn: today,
    rules,
    warnings,
    customerKeys: keys,
    summary: needsApproval
      ? `Needs approval by a second person: ${guardrails.map((held) => held.message).join(' ')}`
      : eligible
        ? guarded(
            () => eligibleSummary(input, facts, policy),
            () => 'Eligible.',
          )
        : (rules.find((outcome) => !outcome.passed)?.message ?? 'Not eligible.'),
    input: recordedInput,
    settings: policy,
  };
  if (facts !== undefined) decision.facts = facts;
  if (eligible) {
    const { previousUserCount } = outcomes.seats;
    decision.licenseTerms = {
      userCount: input.userCount,
      ...(previousUserCount !== undefined && { previousUserCount }),
    };
  }
  return decision;
}

/** Decides again from what a decision recorded; with the same evidence keys, the same decision. */
export function replayDecision(
  recorded: Pick<Decision, 'input' | 'settings'>,
  evidenceKeys: readonly VerificationKey[],
): Decision {
  return decide(recorded.input, evidenceKeys, recorded.settings);
}

function evidenceOutcome(reading: EvidenceReading): RuleOutcome {
  if (!reading.ok) {
    return { rule: 'evidence', passed: false, code: reading.code, message: reading.message };
  }
  const { facts } = reading;
  const seats = facts.licensedUsers === undefined ? 'no seat count' : users(facts.licensedUsers);
  const what = `${planName(facts.plan)}${facts.trial ? ' trial' : ''}, ${seats}, expiry date ${facts.expiresOn}`;
  const message =
    facts.source === 'license_file'
      ? `The license file is genuine (it opens with the evidence key): ${what}${facts.company === undefined ? '' : `, licensed to ${facts.company}`}.`
      : `Values read from the screenshots on the ticket: ${what}.`;
  return { rule: 'evidence', passed: true, code: 'EVIDENCE_OK', message };
}

/**
 * A license file names its licensee: when the ticket's requester mails from another company's
 * domain, the engineer should make sure the file belongs to this customer.
 */
function requesterWarnings(keys: CustomerKeys, facts: SubscriptionFacts | undefined): string[] {
  if (facts?.licenseeEmail === undefined || keys.emailDomain === undefined) return [];
  const licenseeDomain = emailDomainOf(facts.licenseeEmail.toLowerCase());
  if (licenseeDomain === undefined || licenseeDomain === keys.emailDomain) return [];
  return [
    `The license file is licensed to ${facts.licenseeEmail}, but the ticket’s requester is ${keys.email}: make sure the file belongs to this customer.`,
  ];
}

function eligibleSummary(
  input: DecisionInput,
  facts: SubscriptionFacts | undefined,
  settings: PolicySettings,
): string {
  if (facts === undefined) return 'Eligible.';
  const start = windowStartsOn(facts, settings);
  const since =
    settings.windowCountsFrom === 'expiry' ? `expired on ${start}` : `read-only since ${start}`;
  const seats =
    facts.maximumUsers === undefined
      ? ''
      : ` (enough for the ${users(facts.maximumUsers)} GitLab checks it against)`;
  return `Eligible: paid ${planName(facts.plan)} license ${since}, a temporary license for ${users(input.userCount)}${seats}, no earlier emergency in the last ${days(settings.repeatPeriodDays)}.`;
}

function guarded<T>(run: () => T, fallback: () => T): T {
  try {
    return run();
  } catch {
    return fallback();
  }
}

function guardedReading(run: () => EvidenceReading): EvidenceReading {
  try {
    return run();
  } catch (error) {
    return {
      ok: false,
      code: 'RULE_ERROR',
      message: `The evidence could not be checked because of an internal error (${errorText(error)}). Report this to the Lifeline maintainers.`,
    };
  }
}

function guardedRule(rule: RuleName, run: () => RuleOutcome): RuleOutcome {
  try {
    return run();
  } catch (error) {
    return {
      rule,
      passed: false,
      code: 'RULE_ERROR',
      message: `The ${rule.replace('_', ' ')} rule could not be checked because of an internal error (${errorText(error)}). Report this to the Lifeline maintainers.`,
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
