import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CustomerKeys, EarlierEmergency } from '../../src/policy/index.js';
import { customerKeys, defaultPolicySettings } from '../../src/policy/index.js';
import { checkRepeat } from '../../src/policy/rules/repeat.js';
import { day, premiumFacts } from './fixtures.js';

const settings = defaultPolicySettings;
const today = day('2026-11-28');
const acme = customerKeys('bob@acme.example', premiumFacts(), settings);

function earlier(keys: CustomerKeys, overrides: Partial<EarlierEmergency> = {}): EarlierEmergency {
  return {
    requestId: 'req-1',
    createdOn: day('2026-11-20'),
    customerKeys: keys,
    ticketUrl: 'https://support.example/tickets/101',
    state: 'succeeded',
    ...overrides,
  };
}

describe('rule: repeat', () => {
  it('passes with no earlier emergency, saying what it compared', () => {
    const outcome = checkRepeat(acme, [], today, settings);
    assert.deepEqual(outcome, {
      rule: 'repeat',
      passed: true,
      code: 'NO_REPEAT',
      message:
        'No earlier emergency license for this customer in the last 30 days (checked by mailbox, email domain, company, subscription id).',
    });
  });

  it('matches a colleague at the same email domain, and points to the request to resend', () => {
    const outcome = checkRepeat(
      acme,
      [earlier({ email: 'alice@acme.example', emailDomain: 'acme.example' })],
      today,
      settings,
    );
    assert.equal(outcome.passed, false);
    assert.equal(outcome.code, 'REPEAT');
    assert.equal(outcome.relatedRequestId, 'req-1');
    assert.equal(
      outcome.message,
      'An emergency license was already requested for this customer on 2026-11-20 (same email domain acme.example as alice@acme.example; request req-1, ticket https://support.example/tickets/101): its license was issued, resend it instead, not a second license.',
    );
  });

  it('matches the same company however its name was written', () => {
    const other = customerKeys(
      'it@acme-industries.example',
      premiumFacts({ company: 'ACME Industries, Inc.', subscriptionId: undefined }),
      settings,
    );
    const outcome = checkRepeat(acme, [earlier(other)], today, settings);
    assert.equal(outcome.code, 'REPEAT');
    assert.match(outcome.message, /same company “acme industries”/);
  });

  it('matches the same subscription from another domain and company name', () => {
    const other: CustomerKeys = {
      email: 'ops@acme-holding.example',
      emailDomain: 'acme-holding.example',
      company: 'acme holding',
      subscriptionId: '2c92a0ff7e1a0001',
    };
    const outcome = checkRepeat(acme, [earlier(other)], today, settings);
    assert.equal(outcome.code, 'REPEAT');
    assert.match(outcome.message, /same subscription 2c92a0ff7e1a0001/);
  });

  it('matches only the exact address at a public mail provider', () => {
    const me = customerKeys('Sam.Admin@gmail.com', undefined, settings);
    const stranger = customerKeys('someone.else@gmail.com', undefined, settings);
    assert.equal(checkRepeat(me, [earlier(stranger)], today, settings).code, 'NO_REPEAT');
    const again = checkRepeat(
      me,
      [earlier(customerKeys('sam.admin@gmail.com', undefined, settings))],
      today,
      settings,
    );
    assert.equal(again.code, 'REPEAT');
    assert.match(again.message, /same email sam\.admin@gmail\.com/);
  });

  it('never matches by a public domain, even when an earlier record carries it', () => {
    const me = customerKeys('sam@gmail.com', undefined, settings);
    const recordedUnderOldSettings: CustomerKeys = {
      email: 'kim@gmail.com',
      emailDomain: 'gmail.com',
    };
    assert.equal(
      checkRepeat(me, [earlier(recordedUnderOldSettings)], today, settings).code,
      'NO_REPEAT',
    );
  });

  it('does not match another customer', () => {
    const other = customerKeys(
      'bob@globex.example',
      premiumFacts({ company: 'Globex', subscriptionId: 'x-9' }),
      settings,
    );
    assert.equal(checkRepeat(acme, [earlier(other)], today, settings).code, 'NO_REPEAT');
  });

  it('counts only the configured period: 30 days blocks up to day 29', () => {
    const keys = { email: 'alice@acme.example', emailDomain: 'acme.example' };
    const day29 = earlier(keys, { createdOn: day('2026-10-30') });
    const day30 = earlier(keys, { createdOn: day('2026-10-29') });
    assert.equal(checkRepeat(acme, [day29], today, settings).code, 'REPEAT');
    assert.equal(checkRepeat(acme, [day30], today, settings).code, 'NO_REPEAT');
    assert.equal(
      checkRepeat(acme, [day30], today, { ...settings, repeatPeriodDays: 60 }).code,
      'REPEAT',
    );
  });

  it('ignores a rejected request, which never issued a license', () => {
    const keys = { email: 'bob@acme.example', emailDomain: 'acme.example' };
    assert.equal(
      checkRepeat(acme, [earlier(keys, { state: 'rejected' })], today, settings).code,
      'NO_REPEAT',
    );
  });

  it('says to retry a failed request, and to wait for a running one', () => {
    const keys = { email: 'bob@acme.example' };
    const failed = checkRepeat(acme, [earlier(keys, { state: 'failed' })], today, settings);
    assert.match(failed.message, /it failed, retry or resend it instead/);
    const running = checkRepeat(acme, [earlier(keys, { state: 'issuing' })], today, settings);
    assert.match(running.message, /still being processed, wait for it/);
  });

  it('points to the most recent of several matches', () => {
    const keys = { email: 'alice@acme.example', emailDomain: 'acme.example' };
    const outcome = checkRepeat(
      acme,
      [
        earlier(keys, { requestId: 'req-old', createdOn: day('2026-11-02') }),
        earlier(keys, { requestId: 'req-new', createdOn: day('2026-11-25') }),
        earlier(keys, { requestId: 'req-mid', createdOn: day('2026-11-10') }),
      ],
      today,
      settings,
    );
    assert.equal(outcome.relatedRequestId, 'req-new');
    assert.match(outcome.message, /on 2026-11-25/);
    assert.match(outcome.message, /2 more earlier requests match as well\.$/);
  });

  describe('customers behind other addresses', () => {
    const repeats: Array<[string, string]> = [
      ['admin@acme.example', 'admin@eu.acme.example'],
      ['it@x.co.uk', 'a@shop.x.co.uk'],
      ['bob@gmail.com', 'bob+1@gmail.com'],
      ['bob@gmail.com', 'b.o.b@gmail.com'],
      ['bob@gmail.com', 'bob@googlemail.com'],
      ['B.O.B+old@googlemail.com', 'bob@gmail.com'],
      ['jo@hotmail.co.uk', 'Jo+2@Hotmail.co.uk'],
    ];
    for (const [first, second] of repeats) {
      it(`counts ${second} after ${first} as a repeat`, () => {
        const keys = customerKeys(second, undefined, settings);
        const outcome = checkRepeat(
          keys,
          [earlier(customerKeys(first, undefined, settings))],
          today,
          settings,
        );
        assert.equal(outcome.code, 'REPEAT', outcome.message);
      });
    }

    const different: Array<[string, string]> = [
      ['a@x.co.uk', 'b@y.co.uk'],
      ['bob@gmail.com', 'alice@gmail.com'],
      ['bob@gmail.com', 'bob@outlook.com'],
      ['b.o.b@outlook.com', 'bob@outlook.com'],
      ['admin@acme.example', 'admin@acme-other.example'],
      ['a@one.github.io', 'b@two.github.io'],
    ];
    for (const [first, second] of different) {
      it(`does not count ${second} after ${first}`, () => {
        const keys = customerKeys(second, undefined, settings);
        const outcome = checkRepeat(
          keys,
          [earlier(customerKeys(first, undefined, settings))],
          today,
          settings,
        );
        assert.equal(outcome.code, 'NO_REPEAT', outcome.message);
      });
    }

    it('says which mailbox matched', () => {
      const outcome = checkRepeat(
        customerKeys('b.o.b+2@googlemail.com', undefined, settings),
        [earlier(customerKeys('bob@gmail.com', undefined, settings))],
        today,
        settings,
      );
      assert.match(outcome.message, /same mailbox bob@gmail\.com as bob@gmail\.com/);
    });

    it('reads keys recorded before mailboxes existed from their email', () => {
      const outcome = checkRepeat(
        customerKeys('bob+x@gmail.com', undefined, settings),
        [earlier({ email: 'b.ob@googlemail.com' })],
        today,
        settings,
      );
      assert.equal(outcome.code, 'REPEAT');
      const subdomain = checkRepeat(
        customerKeys('admin@acme.example', undefined, settings),
        [earlier({ email: 'admin@eu.acme.example', emailDomain: 'eu.acme.example' })],
        today,
        settings,
      );
      assert.equal(subdomain.code, 'REPEAT');
    });
  });
});
