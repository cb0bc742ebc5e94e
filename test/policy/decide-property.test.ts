import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CalendarDate } from '../../src/license/index.js';
import type {
  DecisionInput,
  EarlierEmergency,
  EvidenceInput,
  PolicySettings,
} from '../../src/policy/index.js';
import {
  decide,
  defaultPolicySettings,
  replayDecision,
  ruleOrder,
} from '../../src/policy/index.js';
import { evidenceKey, fixtureText, premium480, trial100 } from './fixtures.js';

function daysBetween(min: string, max: string): fc.Arbitrary<CalendarDate> {
  return fc
    .date({
      min: new Date(`${min}T00:00:00Z`),
      max: new Date(`${max}T00:00:00Z`),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString().slice(0, 10) as CalendarDate);
}
// Most days fall around the fixtures' expiry (2026-11-12, read-only from 2026-11-26), so that
// every window outcome, and eligible decisions, come up often.
const calendarDay = fc.oneof(
  { arbitrary: daysBetween('2026-11-01', '2026-12-15'), weight: 3 },
  { arbitrary: daysBetween('2000-01-01', '2099-12-31'), weight: 1 },
);
const plan = fc.constantFrom('starter' as const, 'premium' as const, 'ultimate' as const);
const number = fc.oneof(
  fc.integer({ min: -10, max: 200_000 }),
  fc.double(),
  fc.constant(Number.NaN),
);
const dateText = fc.oneof(
  { arbitrary: calendarDay.map(String), weight: 4 },
  { arbitrary: fc.string(), weight: 1 },
);
const email = fc.oneof(
  fc.emailAddress(),
  fc.string(),
  fc.constantFrom('jane@acme.example', 'bob@gmail.com', 'sam@prospect.example'),
);

const licenseText = fc.oneof(
  { arbitrary: fc.constant(premium480), weight: 4 },
  fc.constantFrom(
    premium480,
    trial100,
    fixtureText('truncated.gitlab-license'),
    fixtureText('other-key.gitlab-license'),
  ),
  fc.string(),
  // A real license with one character changed.
  fc
    .nat({ max: premium480.length - 1 })
    .map((at) => `${premium480.slice(0, at)}A${premium480.slice(at + 1)}`),
);

const evidence: fc.Arbitrary<EvidenceInput> = fc.oneof(
  fc.record(
    { licenseFile: licenseText, plan, expiredOn: dateText, licensedUsers: number },
    { requiredKeys: ['licenseFile'] },
  ),
  fc.record(
    {
      plan,
      trial: fc.boolean(),
      expiredOn: dateText,
      licensedUsers: number,
      screenshotsAttached: fc.boolean(),
    },
    { requiredKeys: ['plan', 'expiredOn', 'licensedUsers', 'screenshotsAttached'] },
  ),
);

const earlierEmergency: fc.Arbitrary<EarlierEmergency> = fc.record({
  requestId: fc.uuid(),
  createdOn: calendarDay,
  customerKeys: fc.record(
    {
      email,
      emailDomain: fc.constantFrom('acme.example', 'gmail.com', 'globex.example'),
      company: fc.constantFrom('acme industries', 'prospect', 'globex'),
      subscriptionId: fc.constantFrom('2c92a0ff7e1a0001', 'other'),
    },
    { requiredKeys: ['email'] },
  ),
  ticketUrl: fc.webUrl(),
  state: fc.constantFrom('queued', 'issuing', 'succeeded', 'failed', 'rejected', 'unheard-of'),
});

const decisionInput: fc.Arbitrary<DecisionInput> = fc.record({
  today: calendarDay,
  customerEmail: email,
  userCount: number,
  evidence,
  earlierEmergencies: fc.array(earlierEmergency, { maxLength: 4 }),
  recentIssues: fc.record({
    requester: fc.constantFrom('alice', 'bob'),
    byRequester: fc.nat({ max: 30 }),
    byDesk: fc.nat({ max: 100 }),
  }),
  refusedBefore: fc.array(
    fc.record({
      requestId: fc.uuid(),
      customerKeys: fc.record({ email }),
      prospect: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
});

const settings: fc.Arbitrary<PolicySettings> = fc.record({
  gracePeriodDays: fc.integer({ min: 0, max: 60 }),
  emergencyWindowDays: fc.integer({ min: 0, max: 30 }),
  windowCountsFrom: fc.constantFrom('grace_end' as const, 'expiry' as const),
  maxUserCount: fc.integer({ min: 1, max: 1_000_000 }),
  repeatPeriodDays: fc.integer({ min: 0, max: 365 }),
  paidPlans: fc.subarray(['starter' as const, 'premium' as const, 'ultimate' as const]),
  publicEmailDomains: fc.constantFrom(
    defaultPolicySettings.publicEmailDomains,
    [],
    ['acme.example'],
  ),
  escalationContact: fc.string({ minLength: 1 }),
  approval: fc.record({
    seatFactor: fc.double({ min: 1, max: 10, noNaN: true }),
    dailyCapPerEngineer: fc.integer({ min: 1, max: 20 }),
    dailyCapDesk: fc.integer({ min: 1, max: 60 }),
    typedEvidenceMaxUsers: fc.integer({ min: 1, max: 5_000 }),
  }),
});

describe('decide, for any input of the declared types', () => {
  it('never throws, lists every rule in order, and agrees with itself', () => {
    fc.assert(
      fc.property(
        decisionInput,
        fc.oneof(fc.constant(defaultPolicySettings), settings),
        (given, policy) => {
          const decision = decide(given, [evidenceKey], policy);
          assert.deepEqual(
            decision.rules.map((outcome) => outcome.rule),
            [...ruleOrder],
          );
          for (const outcome of decision.rules) {
            assert.match(outcome.code, /^[A-Z]+(_[A-Z]+)*$/);
            assert.notEqual(outcome.code, 'RULE_ERROR', outcome.message);
            assert.ok(outcome.message.trim().length > 0);
          }
          assert.equal(
            decision.eligible,
            decision.rules.every((outcome) => outcome.passed || outcome.needsApproval === true),
          );
          for (const held of decision.guardrails) {
            assert.match(held.code, /^[A-Z]+(_[A-Z]+)*$/);
            assert.notEqual(held.code, 'RULE_ERROR', held.message);
          }
          assert.equal(decision.needsApproval, decision.guardrails.length > 0);
          if (!decision.eligible) assert.equal(decision.needsApproval, false);
          assert.ok(decision.summary.length > 0);
          if (decision.needsApproval)
            assert.match(decision.summary, /^Needs approval by a second person: /);
          else if (decision.eligible) assert.match(decision.summary, /^Eligible: /);
          else
            assert.equal(
              decision.summary,
              decision.rules.find((outcome) => !outcome.passed)?.message,
            );
          assert.deepEqual(replayDecision(decision, [evidenceKey]), decision);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('decide, for the paid fixture inside its window', () => {
  it('goes straight through exactly when no earlier emergency matches and no guardrail holds it', () => {
    const inWindow = fc.record({
      today: daysBetween('2026-11-26', '2026-11-29'),
      customerEmail: fc.constantFrom('jane@acme.example', 'bob@globex.example', 'sam@gmail.com'),
      userCount: fc.integer({ min: 1, max: 100_000 }),
      evidence: fc.constant<EvidenceInput>({ licenseFile: premium480, maximumUsers: 1 }),
      recentIssues: fc.constant({ requester: 'alice', byRequester: 0, byDesk: 0 }),
      earlierEmergencies: fc.array(earlierEmergency, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(inWindow, (given) => {
        const decision = decide(given, [evidenceKey], defaultPolicySettings);
        const repeat = decision.rules[5];
        assert.deepEqual(
          decision.rules.slice(0, 5).map((outcome) => outcome.code),
          ['EVIDENCE_OK', 'PAID_PLAN', 'IN_WINDOW', 'USER_COUNT_OK', 'SEATS_OK'],
        );
        // 480 seats, a factor of 1.5: up to 720 users without approval.
        const straight = repeat?.code === 'NO_REPEAT' && given.userCount <= 720;
        assert.equal(decision.eligible, true);
        assert.equal(decision.needsApproval, !straight);
        assert.equal(
          decision.guardrails.some((held) => held.code === 'USER_COUNT_ABOVE_EVIDENCE'),
          given.userCount > 720,
        );
        assert.equal(decision.summary.startsWith('Eligible: '), straight);
        assert.equal(repeat?.relatedRequestId !== undefined, repeat?.code === 'REPEAT');
      }),
      { numRuns: 300 },
    );
  });
});
