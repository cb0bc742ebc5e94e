import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderLicenseEmail } from '../../../src/adapters/mail/license-email.js';
import { messageIdDomainOf } from '../../../src/adapters/mail/message-id.js';
import { renderTestEmail } from '../../../src/adapters/mail/test-email.js';
import { calendarDate } from '../../../src/license/calendar-date.js';
import { LICENSE_TEXT, sampleLicenseEmail } from './sample-license-email.js';

describe('renderLicenseEmail', () => {
  const mail = renderLicenseEmail(sampleLicenseEmail());

  it('puts the seat count, the real expiry date and the ticket in the subject', () => {
    assert.equal(
      mail.subject,
      'Your temporary GitLab license: 250 users, works through 2026-12-07 (ticket #12345)',
    );
  });

  it('gives a Message-ID that is the same for every attempt of one delivery', () => {
    assert.equal(
      mail.messageId,
      '<lifeline.6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10.d2@support.example.com>',
    );
    assert.equal(renderLicenseEmail(sampleLicenseEmail()).messageId, mail.messageId);
    assert.notEqual(
      renderLicenseEmail(sampleLicenseEmail({ deliveryId: 'd3' })).messageId,
      mail.messageId,
    );
  });

  it('addresses the customer, with our From and Reply-To and the request header', () => {
    assert.equal(mail.to, 'admin@customer.example');
    assert.equal(mail.from, 'GitLab Support <support@support.example.com>');
    assert.equal(mail.replyTo, 'help@support.example.com');
    assert.equal(mail.headers?.['X-Lifeline-Request'], '6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10');
    assert.equal(renderLicenseEmail(sampleLicenseEmail({ replyTo: undefined })).replyTo, undefined);
  });

  it('attaches the license file unchanged', () => {
    assert.deepEqual(mail.attachments, [
      {
        filename: 'emergency-12345.gitlab-license',
        content: LICENSE_TEXT,
        contentType: 'application/octet-stream',
      },
    ]);
  });

  for (const part of ['text', 'html'] as const) {
    it(`says in the ${part} part what the license is, until when, and what happens after`, () => {
      const body = mail[part];
      assert.match(
        body,
        /temporary Ultimate trial license for 250 users\. It is active as soon as you add it, whatever your instance's time zone/,
      );
      assert.match(body, /last full day it works is (<strong>)?2026-12-07/);
      assert.match(body, /Monday, December 7, 2026/);
      assert.match(
        body,
        /Ultimate features stop at the start of 2026-12-08 \(00:00 on your server's clock\)/,
      );
      assert.match(body, /stays writable at the Free tier, without a banner/);
      assert.match(body, /does not turn read-only again/);
      assert.match(body, /renewal of your subscription before 2026-12-08/);
      assert.doesNotMatch(body, /goes back to the state it was in/);
      assert.ok(body.includes('https://support.example.com/agent/tickets/12345'));
      assert.ok(body.includes('#12345'));
      assert.doesNotMatch(body, /10[- ]day/i);
    });

    it(`explains both ways to install the license in the ${part} part`, () => {
      const body = mail[part];
      assert.match(body, /Admin Area (>|&rsaquo;) Subscription/);
      assert.match(body, /Add license/);
      assert.ok(body.includes('emergency-12345.gitlab-license'));
      assert.ok(
        body.includes('--data-urlencode &quot;license@emergency-12345.gitlab-license&quot;') ||
          body.includes('--data-urlencode "license@emergency-12345.gitlab-license"'),
      );
      assert.match(body, /PRIVATE-TOKEN: (<|&lt;)admin token(>|&gt;)/);
      assert.ok(body.includes('https://gitlab.example.com/api/v4/license'));
    });

    it(`carries the license text in the ${part} part for when an attachment is stripped`, () => {
      const firstLine = LICENSE_TEXT.split('\n')[0] ?? '';
      assert.ok(firstLine.length > 40);
      assert.ok(mail[part].includes(firstLine));
    });
  }

  it('takes its dates from the license, whatever they are', () => {
    const other = renderLicenseEmail(
      sampleLicenseEmail({
        issuedAt: calendarDate('2027-02-25'),
        expiresAt: calendarDate('2027-03-04'),
        userCount: 1500,
      }),
    );
    assert.match(other.subject, /1,500 users, works through 2027-03-03/);
    assert.match(other.text, /Works through: +2027-03-03 \(Wednesday, March 3, 2027\)/);
    assert.match(other.text, /Expires: +2027-03-04, at 00:00 on your server's clock/);
    assert.doesNotMatch(other.text, /2026-12-08/);
  });

  it('escapes every value in the HTML part', () => {
    const hostile = renderLicenseEmail(
      sampleLicenseEmail({
        to: '"<img src=x onerror=alert(1)>" <evil@customer.example>',
        ticket: { id: '1<b>2', url: 'https://x.example/"><script>alert(1)</script>' },
        licenseFileName: '<i>.gitlab-license',
        productName: 'Git<Lab>',
        licenseText: '</pre><script>alert(2)</script>',
      }),
    );
    assert.doesNotMatch(hostile.html, /<script|<img|<b>|<i>|<Lab>|x\.example\/"/);
    assert.ok(hostile.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(hostile.html.includes('&lt;/pre&gt;&lt;script&gt;alert(2)'));
    assert.ok(hostile.html.includes('Git&lt;Lab&gt;'));
  });

  it('never links a ticket URL that is not http(s)', () => {
    const hostile = renderLicenseEmail(
      sampleLicenseEmail({ ticket: { id: '7', url: 'javascript:alert(document.cookie)' } }),
    );
    assert.doesNotMatch(hostile.html, /href="javascript:/);
    assert.ok(hostile.html.includes('javascript:alert(document.cookie)'));
    assert.match(mail.html, /<a href="https:\/\/support\.example\.com\/agent\/tickets\/12345">/);
  });

  it('keeps the subject on one line whatever the ticket id holds', () => {
    const odd = renderLicenseEmail(
      sampleLicenseEmail({ ticket: { id: '12\r\nBcc: victim@example.com', url: 'https://x' } }),
    );
    assert.doesNotMatch(odd.subject, /[\r\n]/);
  });

  it('says "1 user" for one seat', () => {
    assert.match(renderLicenseEmail(sampleLicenseEmail({ userCount: 1 })).subject, /: 1 user, /);
  });
});

describe('messageIdDomainOf', () => {
  it('takes the domain of the From address', () => {
    assert.equal(messageIdDomainOf('Support <Support@Mail.Example.COM>'), 'mail.example.com');
    assert.equal(messageIdDomainOf('lifeline@example.org'), 'example.org');
  });

  it('falls back to lifeline.local for a dotless or unparseable address', () => {
    assert.equal(messageIdDomainOf('Lifeline <lifeline@localhost>'), 'lifeline.local');
    assert.equal(messageIdDomainOf('not an address'), 'lifeline.local');
  });
});

describe('renderTestEmail', () => {
  it('says that mail works, and gets a new Message-ID each time', () => {
    const input = {
      from: 'Lifeline <lifeline@example.org>',
      to: 'ops@example.org',
      sentAt: new Date('2026-11-28T10:00:00Z'),
    };
    const first = renderTestEmail(input);
    assert.match(first.subject, /email delivery works/);
    assert.match(first.text, /Lifeline can send email/);
    assert.match(first.text, /2026-11-28T10:00:00\.000Z/);
    assert.match(first.messageId, /^<lifeline\.test\.[0-9a-f-]+@example\.org>$/);
    assert.notEqual(renderTestEmail(input).messageId, first.messageId);
    assert.deepEqual(first.attachments, []);
  });
});
