import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecisionInput } from '../../src/policy/index.js';
import {
  decide,
  defaultPolicySettings,
  normalisePolicySettings,
  policyVersion,
  replayDecision,
  ruleOrder,
} from '../../src/policy/index.js';
import { day, evidenceKey, fixtureText, premium480, trial100 } from './fixtures.js';

const settings = defaultPolicySettings;

function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    today: day('2026-11-28'),
    customerEmail: 'jane@acme.example',
    userCount: 500,
    evidence: { licenseFile: premium480, maximumUsers: 480 },
    earlierEmergencies: [],
    ...overrides,
  };
}

function codes(decision: ReturnType<typeof decide>): string[] {
  return decision.rules.map((outcome) => outcome.code);
}

describe('decide', () => {
  it('finds the expired Premium fixture eligible on 2026-11-28', () => {
    const decision = decide(input(), [evidenceKey], settings);
    assert.equal(decision.eligible, true);
    assert.deepEqual(codes(decision), [
      'EVIDENCE_OK',
      'PAID_PLAN',
      'IN_WINDOW',
      'USER_COUNT_OK',
      'SEATS_OK',
      'NO_REPEAT',
    ]);
    assert.deepEqual(
      decision.rules.map((outcome) => outcome.rule),
      [...ruleOrder],
    );
    assert.equal(decision.policyVersion, policyVersion(settings));
    assert.equal(decision.decidedOn, '2026-11-28');
    assert.deepEqual(decision.warnings, []);
    assert.equal(decision.facts?.subscriptionId, '2c92a0ff7e1a0001');
    assert.deepEqual(decision.customerKeys, {
      email: 'jane@acme.example',
      emailDomain: 'acme.example',
      mailbox: 'jane@acme.example',
      company: 'acme industries',
      subscriptionId: '2c92a0ff7e1a0001',
    });
    assert.equal(
      decision.summary,
      'Eligible: paid Premium license read-only since 2026-11-26, a temporary license for 500 users (enough for the 480 users GitLab checks it against), no earlier emergency in the last 30 days.',
    );
    assert.match(
      decision.rules[0]?.message ?? '',
      /genuine.*Premium, 480 users, expiry date 2026-11-12, licensed to Acme Industries/,
    );
  });

  it('records the input as given and the settings in canonical form', () => {
    const given = input();
    const decision = decide(given, [evidenceKey], settings);
    assert.deepEqual(decision.input, given);
    assert.equal((decision.input.evidence as { licenseFile: string }).licenseFile, premium480);
    assert.deepEqual(decision.settings, normalisePolicySettings(settings));
    given.userCount = 9;
    assert.equal(
      decision.input.userCount,
      500,
      'a later change to the input does not change the record',
    );
  });

  it('is a regular renewal on 2026-11-25 and too late on 2026-12-01', () => {
    const early = decide(input({ today: day('2026-11-25') }), [evidenceKey], settings);
    assert.equal(early.eligible, false);
    assert.equal(early.rules[2]?.code, 'GRACE_STILL_RUNNING');
    assert.equal(early.summary, early.rules[2]?.message);
    assert.match(early.summary, /^Still in grace until 2026-11-25/);

    const late = decide(input({ today: day('2026-12-01') }), [evidenceKey], settings);
    assert.equal(late.eligible, false);
    assert.equal(late.rules[2]?.code, 'WINDOW_PASSED');
    assert.match(late.summary, /ended 5 days ago.*Escalate to the licensing team/);
  });

  it('refuses the prospect’s expired trial', () => {
    const decision = decide(
      input({
        customerEmail: 'sam@prospect.example',
        evidence: { licenseFile: trial100, maximumUsers: 100 },
      }),
      [evidenceKey],
      settings,
    );
    assert.equal(decision.eligible, false);
    assert.equal(decision.rules[1]?.code, 'PROSPECT_TRIAL');
    assert.match(decision.summary, /prospect/);
  });

  it('warns about typed values the file overrides and seats below the expired license', () => {
    const decision = decide(
      input({
        userCount: 400,
        evidence: {
          licenseFile: premium480,
          plan: 'ultimate',
          licensedUsers: 400,
          maximumUsers: 430,
        },
      }),
      [evidenceKey],
      settings,
    );
    assert.equal(decision.eligible, true, 'warnings do not block');
    assert.equal(decision.warnings.length, 3);
    assert.match(decision.warnings[0] ?? '', /plan as Ultimate, but the license file says Premium/);
    assert.match(decision.warnings[1] ?? '', /400 licensed users, but the license file says 480/);
    assert.match(decision.warnings[2] ?? '', /below the expired license’s 480 seats/);
  });

  it('warns when the requester mails from another company than the licensee', () => {
    const decision = decide(
      input({ customerEmail: 'bob@globex.example' }),
      [evidenceKey],
      settings,
    );
    assert.equal(decision.eligible, true);
    assert.deepEqual(decision.warnings, [
      'The license file is licensed to jane@acme.example, but the ticket’s requester is bob@globex.example: make sure the file belongs to this customer.',
    ]);
  });

  it('decides from screenshot values, with expiry + 14 days as the read-only day', () => {
    const screenshots = {
      plan: 'premium' as const,
      expiredOn: '2026-11-12',
      licensedUsers: 480,
      screenshotsAttached: true,
      maximumUsers: 480,
    };
    const decision = decide(input({ evidence: screenshots }), [], settings);
    assert.equal(decision.eligible, true);
    assert.match(
      decision.rules[0]?.message ?? '',
      /^Values read from the screenshots on the ticket: Premium, 480 users/,
    );
    assert.match(
      decision.rules[2]?.message ?? '',
      /read-only since 2026-11-26, expiry \+ 14 days of grace/,
    );

    const unattached = decide(
      input({ evidence: { ...screenshots, screenshotsAttached: false } }),
      [],
      settings,
    );
    assert.equal(unattached.eligible, false);
    assert.equal(unattached.rules[0]?.code, 'SCREENSHOTS_MISSING');
    assert.match(unattached.summary, /^Attach the customer’s two screenshots/);
  });

  it('lists every rule when the evidence cannot be read, marking what it could not check', () => {
    const decision = decide(
      input({
        evidence: { licenseFile: fixtureText('truncated.gitlab-license'), maximumUsers: 10 },
        userCount: 0,
      }),
      [evidenceKey],
      settings,
    );
    assert.equal(decision.eligible, false);
    assert.deepEqual(codes(decision), [
      'EVIDENCE_UNREADABLE',
      'NOT_CHECKED',
      'NOT_CHECKED',
      'USER_COUNT_INVALID',
      'NOT_CHECKED',
      'NO_REPEAT',
    ]);
    assert.equal(decision.summary, decision.rules[0]?.message, 'the first failure is the summary');
    assert.equal(decision.facts, undefined);
    assert.ok(
      decision.rules.every(
        (outcome) => outcome.code !== 'NOT_CHECKED' || /^Not checked: /.test(outcome.message),
      ),
    );
    assert.match(decision.rules[5]?.message ?? '', /checked by mailbox, email domain\)/);
  });

  it('holds a repeat for an approver and points to the earlier request', () => {
    const decision = decide(
      input({
        earlierEmergencies: [
          {
            requestId: 'req-7',
            createdOn: day('2026-11-20'),
            customerKeys: { email: 'ops@acme-holding.example', subscriptionId: '2c92a0ff7e1a0001' },
            ticketUrl: 'https://support.example/tickets/77',
            state: 'succeeded',
          },
        ],
      }),
      [evidenceKey],
      settings,
    );
    assert.equal(decision.eligible, true);
    assert.equal(decision.needsApproval, true);
    const repeat = decision.rules[5];
    assert.equal(repeat?.code, 'REPEAT');
    assert.equal(repeat?.passed, false);
    assert.equal(repeat?.needsApproval, true);
    assert.equal(repeat?.relatedRequestId, 'req-7');
    assert.deepEqual(
      decision.guardrails.map((held) => [held.code, held.relatedRequestId]),
      [['REPEAT_NEEDS_APPROVAL', 'req-7']],
    );
    assert.match(decision.summary, /^Needs approval by a second person: .*resend it instead/);
    assert.match(decision.summary, /An approver may grant a second one, with a reason\.$/);
  });

  it('counts the window from expiry when the policy says so', () => {
    const fromExpiry = { ...settings, windowCountsFrom: 'expiry' as const };
    const decision = decide(input({ today: day('2026-11-14') }), [evidenceKey], fromExpiry);
    assert.equal(decision.eligible, true);
    assert.match(decision.summary, /expired on 2026-11-12/);
    assert.notEqual(decision.policyVersion, policyVersion(settings));
  });

  it('does not throw on a malformed day, and checks nothing that needs it', () => {
    const decision = decide(input({ today: 'soon' as never }), [evidenceKey], settings);
    assert.equal(decision.eligible, false);
    assert.equal(decision.rules[2]?.code, 'NOT_CHECKED');
    assert.equal(decision.rules[5]?.code, 'NOT_CHECKED');
  });
});

describe('replayDecision', () => {
  it('gives the same decision from what was stored as JSON', () => {
    const cases = [
      input(),
      input({ today: day('2026-12-01'), userCount: 12.5 }),
      input({
        evidence: { licenseFile: premium480, plan: 'starter', expiredOn: 'x', maximumUsers: 480 },
        earlierEmergencies: [
          {
            requestId: 'req-1',
            createdOn: day('2026-11-27'),
            customerKeys: { email: 'jane@acme.example' },
            ticketUrl: 'https://support.example/tickets/1',
            state: 'failed',
          },
        ],
      }),
      input({
        evidence: {
          plan: 'ultimate',
          trial: true,
          expiredOn: '2026-11-01',
          licensedUsers: 5,
          screenshotsAttached: true,
          maximumUsers: 480,
        },
      }),
    ];
    for (const given of cases) {
      const original = decide(given, [evidenceKey], { ...settings, emergencyWindowDays: 5 });
      const stored = JSON.parse(JSON.stringify(original)) as typeof original;
      const replayed = replayDecision(stored, [evidenceKey]);
      assert.deepEqual(JSON.parse(JSON.stringify(replayed)), stored);
      assert.equal(replayed.policyVersion, original.policyVersion);
    }
  });
});
