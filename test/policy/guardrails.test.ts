import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecisionInput, PolicySettings } from '../../src/policy/index.js';
import { decide, defaultPolicySettings, policySettingsProblems } from '../../src/policy/index.js';
import { day, evidenceKey, premium480 } from './fixtures.js';

const settings: PolicySettings = {
  ...defaultPolicySettings,
  approval: {
    seatFactor: 1.5,
    dailyCapPerEngineer: 3,
    dailyCapDesk: 5,
    typedEvidenceMaxUsers: 300,
  },
};

const typed = {
  plan: 'premium' as const,
  expiredOn: '2026-11-12',
  licensedUsers: 240,
  maximumUsers: 240,
  screenshotsAttached: true,
};

function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    today: day('2026-11-28'),
    customerEmail: 'jane@acme.example',
    userCount: 250,
    evidence: typed,
    earlierEmergencies: [],
    recentIssues: { requester: 'alice', byRequester: 0, byDesk: 0 },
    refusedBefore: [],
    ...overrides,
  };
}

function held(overrides: Partial<DecisionInput>, policy = settings): string[] {
  const decision = decide(input(overrides), [evidenceKey], policy);
  assert.equal(decision.needsApproval, decision.guardrails.length > 0);
  return decision.guardrails.map((guardrail) => guardrail.code);
}

describe('guardrails', () => {
  it('let the honest case straight through', () => {
    const decision = decide(input(), [evidenceKey], settings);
    assert.equal(decision.eligible, true);
    assert.equal(decision.needsApproval, false);
    assert.deepEqual(decision.guardrails, []);
    assert.match(decision.summary, /^Eligible: /);
  });

  it('hold a user count more than the factor over the greater of licensed and maximum users', () => {
    const roomy = {
      ...settings,
      approval: { ...settings.approval, typedEvidenceMaxUsers: 100_000 },
    };
    assert.deepEqual(held({ userCount: 360 }, roomy), []); // 240 × 1.5
    assert.deepEqual(held({ userCount: 361 }, roomy), ['USER_COUNT_ABOVE_EVIDENCE']);
    // The license file's 480 seats are the base: 100,000 seats for it wait for a second person.
    const decision = decide(
      input({ userCount: 100_000, evidence: { licenseFile: premium480, maximumUsers: 1 } }),
      [evidenceKey],
      settings,
    );
    assert.equal(decision.guardrails[0]?.code, 'USER_COUNT_ABOVE_EVIDENCE');
    assert.equal(
      decision.guardrails[0]?.message,
      'The user count 100,000 is more than 1.5 times the evidence’s 480 users (the greater of licensed and maximum users): a second person must approve it.',
    );
  });

  it('still refuse above the ceiling: the hard limit wins over approval', () => {
    const decision = decide(
      input({ userCount: 100_001, evidence: { licenseFile: premium480, maximumUsers: 480 } }),
      [evidenceKey],
      settings,
    );
    assert.equal(decision.eligible, false);
    assert.equal(decision.needsApproval, false);
    assert.equal(decision.rules[3]?.code, 'USER_COUNT_ABOVE_CEILING');
  });

  it('hold the engineer’s and the desk’s licenses above their rolling caps', () => {
    assert.deepEqual(held({ recentIssues: { requester: 'alice', byRequester: 2, byDesk: 4 } }), []);
    assert.deepEqual(held({ recentIssues: { requester: 'alice', byRequester: 3, byDesk: 4 } }), [
      'ENGINEER_DAILY_CAP',
    ]);
    assert.deepEqual(held({ recentIssues: { requester: 'alice', byRequester: 0, byDesk: 5 } }), [
      'DESK_DAILY_CAP',
    ]);
    const decision = decide(
      input({ recentIssues: { requester: 'alice', byRequester: 3, byDesk: 9 } }),
      [evidenceKey],
      settings,
    );
    assert.match(
      decision.guardrails[0]?.message ?? '',
      /^alice has already been issued 3 emergency licenses in the last 24 hours \(the cap is 3 per engineer\)/,
    );
  });

  it('hold typed values from a customer refused before as a prospect, and not a license file', () => {
    const refusedBefore = [
      {
        requestId: 'req-trial',
        customerKeys: { email: 'bob@acme.example', emailDomain: 'acme.example' },
        prospect: true,
      },
    ];
    assert.deepEqual(held({ refusedBefore }), ['REFUSED_PROSPECT_TYPED_VALUES']);
    assert.deepEqual(held({ refusedBefore: [{ ...refusedBefore[0]!, prospect: false }] }), []);
    assert.deepEqual(
      held({
        refusedBefore: [
          {
            ...refusedBefore[0]!,
            customerKeys: { email: 'x@globex.example', emailDomain: 'globex.example' },
          },
        ],
      }),
      [],
    );
    assert.deepEqual(
      held({
        refusedBefore,
        evidence: { licenseFile: premium480, maximumUsers: 480 },
        userCount: 480,
      }),
      [],
    );
  });

  it('hold typed evidence above the seat threshold', () => {
    assert.deepEqual(held({ userCount: 300, evidence: { ...typed, licensedUsers: 300 } }), []);
    assert.deepEqual(held({ userCount: 301, evidence: { ...typed, licensedUsers: 300 } }), [
      'TYPED_EVIDENCE_ABOVE_SEATS',
    ]);
  });

  it('hold a second request while the first still waits, pointing to it', () => {
    const decision = decide(
      input({
        earlierEmergencies: [
          {
            requestId: 'req-waiting',
            createdOn: day('2026-11-28'),
            customerKeys: { email: 'bob@acme.example', emailDomain: 'acme.example' },
            ticketUrl: 'https://support.example/tickets/9',
            state: 'awaiting_approval',
          },
        ],
      }),
      [evidenceKey],
      settings,
    );
    assert.equal(decision.guardrails[0]?.code, 'REPEAT_NEEDS_APPROVAL');
    assert.equal(decision.guardrails[0]?.relatedRequestId, 'req-waiting');
    assert.match(
      decision.guardrails[0]?.message ?? '',
      /it is waiting for an approver, have it approved/,
    );
  });

  it('name bad thresholds in sentences', () => {
    assert.deepEqual(
      policySettingsProblems({
        ...settings,
        approval: {
          seatFactor: 0.5,
          dailyCapPerEngineer: 0,
          dailyCapDesk: 1.5,
          typedEvidenceMaxUsers: 1,
        },
      }),
      [
        'approval.seatFactor must be a number from 1 to 1000 (got 0.5).',
        'approval.dailyCapPerEngineer must be a whole number of at least 1 (got 0).',
        'approval.dailyCapDesk must be a whole number of at least 1 (got 1.5).',
      ],
    );
  });
});
