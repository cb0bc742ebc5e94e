import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifySmtpError, scrubSecrets } from '../../../src/adapters/mail/smtp-error.js';

// Failures that a local fake server cannot easily produce, in the shape nodemailer gives them
// (see NodemailerError); the common ones are covered against a real server in smtp-mailer.test.ts.
const context = { server: 'smtp://mail.example.com:587', user: 'mailer', password: 's3cret!pw' };

describe('classifySmtpError', () => {
  it('treats a temporary authentication failure (454) as transient', () => {
    const failure = classifySmtpError(
      Object.assign(new Error('Invalid login: 454 4.7.0 Temporary authentication failure'), {
        code: 'EAUTH',
        responseCode: 454,
        response: '454 4.7.0 Temporary authentication failure',
        command: 'AUTH PLAIN',
      }),
      context,
    );
    assert.equal(failure.kind, 'transient');
    assert.match(failure.message, /refused to authenticate for now/);
  });

  it('treats 503 (bad sequence of commands) as transient, like nodemailer does', () => {
    const failure = classifySmtpError(
      Object.assign(new Error('Data command failed: 503 Bad sequence'), {
        code: 'EMESSAGE',
        responseCode: 503,
        response: '503 Bad sequence',
        command: 'DATA',
      }),
      context,
    );
    assert.equal(failure.kind, 'transient');
  });

  it('treats an unknown host as transient and points at SMTP_URL', () => {
    const failure = classifySmtpError(
      Object.assign(new Error('getaddrinfo ENOTFOUND mail.example.com'), {
        code: 'EDNS',
        originalCode: 'ENOTFOUND',
        command: 'CONN',
      }),
      context,
    );
    assert.equal(failure.kind, 'transient');
    assert.equal(failure.code, 'SMTP_HOST_NOT_FOUND');
    assert.match(failure.message, /SMTP_URL/);
  });

  it('treats anything unknown as transient rather than losing the message', () => {
    const failure = classifySmtpError(new TypeError('boom'), context);
    assert.equal(failure.kind, 'transient');
    assert.equal(failure.code, 'SMTP_FAILED');
  });
});

describe('scrubSecrets', () => {
  it('removes the password as typed, URL-encoded and base64-encoded for AUTH LOGIN and PLAIN', () => {
    const plain = Buffer.from('\u0000mailer\u0000s3cret!pw').toString('base64');
    const login = Buffer.from('s3cret!pw').toString('base64');
    const text = `a s3cret!pw b s3cret!pw c ${encodeURIComponent('s3cret!pw x')} d ${plain} e ${login}`;
    const scrubbed = scrubSecrets(text, context);
    assert.equal(scrubbed, `a *** b *** c ${encodeURIComponent('*** x')} d *** e ***`);
  });

  it('leaves text alone when there is no password', () => {
    assert.equal(scrubSecrets('nothing secret', { user: 'mailer' }), 'nothing secret');
  });
});
