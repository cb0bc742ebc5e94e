import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  customerKeys,
  defaultPolicySettings,
  emailDomainOf,
  isPublicEmailDomain,
  normaliseCompany,
  normaliseMailbox,
} from '../../src/policy/index.js';
import { premiumFacts } from './fixtures.js';

describe('customer keys', () => {
  it('takes the email, its domain, the company and the subscription', () => {
    assert.deepEqual(customerKeys(' Bob@ACME.example ', premiumFacts(), defaultPolicySettings), {
      email: 'bob@acme.example',
      emailDomain: 'acme.example',
      mailbox: 'bob@acme.example',
      company: 'acme industries',
      subscriptionId: '2c92a0ff7e1a0001',
    });
  });

  it('leaves out the domain of a public mail provider', () => {
    const keys = customerKeys('someone@Gmail.com', undefined, defaultPolicySettings);
    assert.deepEqual(keys, { email: 'someone@gmail.com', mailbox: 'someone@gmail.com' });
  });

  it('adds the configured public domains to the common mail providers', () => {
    const settings = { ...defaultPolicySettings, publicEmailDomains: ['acme.example'] };
    assert.equal(customerKeys('bob@acme.example', undefined, settings).emailDomain, undefined);
    for (const provider of [
      'gmail.com',
      't-online.de',
      'mail.orange.fr',
      'naver.com',
      'comcast.net',
    ])
      assert.equal(
        customerKeys(`bob@${provider}`, undefined, settings).emailDomain,
        undefined,
        `${provider} is a common mail provider (email-providers), listed or not`,
      );
    assert.equal(
      customerKeys('bob@acme-corp.example', undefined, settings).emailDomain,
      'acme-corp.example',
    );
    assert.equal(customerKeys('bob@example.com', undefined, settings).emailDomain, 'example.com');
  });

  it('has no domain for an address without one', () => {
    assert.equal(emailDomainOf('not-an-address'), undefined);
    assert.equal(emailDomainOf('@acme.example'), undefined);
    assert.equal(emailDomainOf('bob@localhost'), undefined);
    assert.equal(emailDomainOf('bob@acme.example.'), 'acme.example');
  });

  it('has no company or subscription without facts', () => {
    assert.deepEqual(customerKeys('bob@acme.example', undefined, defaultPolicySettings), {
      email: 'bob@acme.example',
      emailDomain: 'acme.example',
      mailbox: 'bob@acme.example',
    });
  });

  it('takes the registrable domain, by the public-suffix list', () => {
    assert.equal(emailDomainOf('admin@eu.acme.example'), 'acme.example');
    assert.equal(emailDomainOf('a@shop.x.co.uk'), 'x.co.uk');
    assert.equal(emailDomainOf('a@x.co.uk'), 'x.co.uk');
    assert.equal(emailDomainOf('b@y.co.uk'), 'y.co.uk');
    assert.equal(emailDomainOf('ops@team.acme.com.au'), 'acme.com.au');
    // A private suffix: two sites on github.io are two customers.
    assert.equal(emailDomainOf('a@one.github.io'), 'one.github.io');
  });

  it('reads the mailbox a public provider delivers to', () => {
    for (const address of [
      'bob@gmail.com',
      'Bob@Gmail.com',
      'bob+1@gmail.com',
      'b.o.b@gmail.com',
      'B.o.b+weekend@googlemail.com',
    ]) {
      assert.equal(normaliseMailbox(address), 'bob@gmail.com', address);
    }
    assert.equal(normaliseMailbox('b.o.b@outlook.com'), 'b.o.b@outlook.com', 'dots count there');
    assert.equal(normaliseMailbox('jo+x@protonmail.com'), 'jo@proton.me');
    assert.equal(normaliseMailbox('not-an-address'), undefined);
  });

  it('knows providers under every suffix', () => {
    for (const domain of [
      'hotmail.co.uk',
      'hotmail.fr',
      'yahoo.co.jp',
      'mail.yahoo.com',
      'gmail.com',
    ]) {
      assert.equal(isPublicEmailDomain(domain, defaultPolicySettings), true, domain);
    }
    for (const domain of ['acme.example', 'x.co.uk', 'gmail.example.com']) {
      assert.equal(isPublicEmailDomain(domain, defaultPolicySettings), false, domain);
    }
  });
});

describe('company names', () => {
  const same = [
    ['Acme Industries', 'acme industries'],
    ['ACME Industries, Inc.', 'acme industries'],
    ['Acme Industries Ltd', 'acme industries'],
    ['The Acme Industries Company', 'acme industries'],
    ['Acme Industries GmbH & Co. KG', 'acme industries'],
    ['Acme Industries S.A.', 'acme industries'],
    ['Açme Industriés', 'acme industries'],
    ['  acme   industries  ', 'acme industries'],
    ['Bücher & Söhne / Köln', 'bucher and sohne koln'],
  ] as const;
  for (const [name, normal] of same) {
    it(`reads “${name}” as “${normal}”`, () => {
      assert.equal(normaliseCompany(name), normal);
    });
  }

  it('keeps a legal word that is the whole name', () => {
    assert.equal(normaliseCompany('Company'), 'company');
  });

  it('keeps different companies apart', () => {
    assert.notEqual(normaliseCompany('Acme Industries'), normaliseCompany('Acme Logistics'));
  });

  it('gives no key for placeholders shared by unrelated licenses', () => {
    for (const placeholder of ['N/A', 'none', '-', '', 'Emergency License', 'Test']) {
      assert.equal(normaliseCompany(placeholder), undefined, placeholder);
    }
  });
});
