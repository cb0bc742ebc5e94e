import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readEvidence } from '../../src/policy/index.js';
import type { EvidenceReading, SubscriptionFacts } from '../../src/policy/index.js';
import { evidenceKey, fixtureText, otherKey, premium480, trial100 } from './fixtures.js';

function factsOf(reading: EvidenceReading): { facts: SubscriptionFacts; disagreements: string[] } {
  assert.ok(reading.ok, reading.ok ? '' : `${reading.code}: ${reading.message}`);
  return reading;
}

function failureOf(reading: EvidenceReading): { code: string; message: string } {
  assert.equal(reading.ok, false);
  return reading;
}

describe('evidence: the customer’s expired license file', () => {
  it('reads the paid Premium fixture exactly', () => {
    const { facts, disagreements } = factsOf(
      readEvidence({ licenseFile: premium480 }, [evidenceKey]),
    );
    assert.deepEqual(facts, {
      source: 'license_file',
      plan: 'premium',
      trial: false,
      expiresOn: '2026-11-12',
      blockChangesOn: '2026-11-26',
      licensedUsers: 480,
      company: 'Acme Industries',
      licenseeEmail: 'jane@acme.example',
      subscriptionId: '2c92a0ff7e1a0001',
      keyFingerprint: evidenceKey.fingerprint,
      keyName: 'test vendor key',
    });
    assert.deepEqual(disagreements, []);
  });

  it('reads the same facts from the CRLF copy', () => {
    const crlf = factsOf(
      readEvidence({ licenseFile: fixtureText('expired-premium-480-crlf.gitlab-license') }, [
        evidenceKey,
      ]),
    );
    const lf = factsOf(readEvidence({ licenseFile: premium480 }, [evidenceKey]));
    assert.deepEqual(crlf.facts, lf.facts);
  });

  it('reads the prospect’s trial as a trial, without a read-only date', () => {
    const { facts } = factsOf(readEvidence({ licenseFile: trial100 }, [evidenceKey]));
    assert.equal(facts.plan, 'ultimate');
    assert.equal(facts.trial, true);
    assert.equal(facts.expiresOn, '2026-11-13');
    assert.equal(facts.blockChangesOn, undefined);
    assert.equal(facts.subscriptionId, undefined);
    assert.equal(facts.company, 'Prospect LLC');
  });

  it('tries every configured key', () => {
    const { facts } = factsOf(readEvidence({ licenseFile: premium480 }, [otherKey, evidenceKey]));
    assert.equal(facts.keyFingerprint, evidenceKey.fingerprint);
  });

  it('treats a license without a plan as Starter, as the gem does', () => {
    const { facts } = factsOf(
      readEvidence({ licenseFile: fixtureText('unicode-unrestricted.gitlab-license') }, [
        evidenceKey,
      ]),
    );
    assert.equal(facts.plan, 'starter');
    assert.equal(facts.trial, false);
    assert.equal(facts.licensedUsers, undefined);
  });

  it('shows every typed value the file contradicts, and keeps the file’s values', () => {
    const { facts, disagreements } = factsOf(
      readEvidence(
        { licenseFile: premium480, plan: 'ultimate', expiredOn: '2026-11-13', licensedUsers: 500 },
        [evidenceKey],
      ),
    );
    assert.equal(facts.plan, 'premium');
    assert.equal(facts.expiresOn, '2026-11-12');
    assert.equal(facts.licensedUsers, 480);
    assert.equal(disagreements.length, 3);
    assert.match(disagreements[0] ?? '', /plan as Ultimate, but the license file says Premium/);
    assert.match(
      disagreements[1] ?? '',
      /expiry date as 2026-11-13, but the license file says 2026-11-12/,
    );
    assert.match(disagreements[2] ?? '', /500 licensed users, but the license file says 480/);
  });

  it('says nothing when the typed values agree with the file', () => {
    const { disagreements } = factsOf(
      readEvidence(
        { licenseFile: premium480, plan: 'premium', expiredOn: '2026-11-12', licensedUsers: 480 },
        [evidenceKey],
      ),
    );
    assert.deepEqual(disagreements, []);
  });

  it('points out a typed expiry that is not a date', () => {
    const { disagreements } = factsOf(
      readEvidence({ licenseFile: premium480, expiredOn: '12/11/2026' }, [evidenceKey]),
    );
    assert.equal(disagreements.length, 1);
    assert.match(
      disagreements[0] ?? '',
      /"12\/11\/2026", which is not a YYYY-MM-DD date; the license file’s 2026-11-12 is used/,
    );
  });

  it('refuses a file made with another key, passing on the decoder’s explanation', () => {
    const failure = failureOf(
      readEvidence({ licenseFile: fixtureText('other-key.gitlab-license') }, [evidenceKey]),
    );
    assert.equal(failure.code, 'EVIDENCE_UNREADABLE');
    assert.ok(failure.message.length > 40);
    assert.match(failure.message, /screenshots/);
  });

  it('refuses a truncated file', () => {
    const failure = failureOf(
      readEvidence({ licenseFile: fixtureText('truncated.gitlab-license') }, [evidenceKey]),
    );
    assert.equal(failure.code, 'EVIDENCE_UNREADABLE');
    assert.match(failure.message, /incomplete|cut off/);
  });

  it('refuses any file when no evidence key is configured, and says what to do instead', () => {
    const failure = failureOf(readEvidence({ licenseFile: premium480 }, []));
    assert.equal(failure.code, 'EVIDENCE_UNREADABLE');
    assert.match(failure.message, /No evidence public key is configured/);
    assert.match(failure.message, /values from the customer’s screenshots/);
  });
});

describe('evidence: values read from the screenshots', () => {
  const screenshots = {
    plan: 'premium' as const,
    expiredOn: '2026-11-12',
    licensedUsers: 480,
    screenshotsAttached: true,
  };

  it('turns confirmed values into facts, without a read-only date', () => {
    const { facts, disagreements } = factsOf(readEvidence(screenshots, []));
    assert.deepEqual(facts, {
      source: 'screenshots',
      plan: 'premium',
      trial: false,
      expiresOn: '2026-11-12',
      licensedUsers: 480,
    });
    assert.deepEqual(disagreements, []);
  });

  it('keeps the trial flag', () => {
    const { facts } = factsOf(readEvidence({ ...screenshots, trial: true }, []));
    assert.equal(facts.trial, true);
  });

  it('fails until the screenshots are attached to the ticket', () => {
    const failure = failureOf(readEvidence({ ...screenshots, screenshotsAttached: false }, []));
    assert.equal(failure.code, 'SCREENSHOTS_MISSING');
    assert.match(failure.message, /^Attach the customer’s two screenshots/);
    assert.match(failure.message, /Admin Area › Overview › Dashboard/);
    assert.match(failure.message, /to the ticket first/);
  });

  it('also lists bad values when the screenshots are missing', () => {
    const failure = failureOf(
      readEvidence({ ...screenshots, expiredOn: 'last week', screenshotsAttached: false }, []),
    );
    assert.equal(failure.code, 'SCREENSHOTS_MISSING');
    assert.match(failure.message, /"last week" is not a YYYY-MM-DD date/);
  });

  it('rejects values that cannot be right', () => {
    const failure = failureOf(
      readEvidence({ ...screenshots, expiredOn: '2026-02-30', licensedUsers: 12.5 }, []),
    );
    assert.equal(failure.code, 'EVIDENCE_INVALID');
    assert.match(failure.message, /expiry date "2026-02-30" is not a YYYY-MM-DD date/);
    assert.match(failure.message, /licensed users "12.5" is not a whole number/);
    assert.match(failure.message, /Check them against the screenshots/);
  });

  it('rejects a plan GitLab does not sell', () => {
    const failure = failureOf(readEvidence({ ...screenshots, plan: 'gold' as never }, []));
    assert.equal(failure.code, 'EVIDENCE_INVALID');
    assert.match(failure.message, /plan "gold" is not one GitLab sells/);
  });
});
