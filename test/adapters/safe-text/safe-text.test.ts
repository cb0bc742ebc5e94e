import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { renderLicenseEmail } from '../../../src/adapters/mail/license-email.js';
import { toNodemailerMessage } from '../../../src/adapters/mail/mime-message.js';
import { renderSlackNotice } from '../../../src/adapters/notice/slack-message.js';
import {
  emailHeader,
  gitlabCode,
  gitlabCodeBlock,
  gitlabLink,
  gitlabText,
  htmlText,
  oneLine,
  slackLink,
  slackText,
} from '../../../src/adapters/safe-text/index.js';
import { renderZendeskNote } from '../../../src/adapters/ticket/zendesk-note.js';
import { trackerIssueDescription } from '../../../src/requests/tracker-issue-text.js';
import { sampleLicenseEmail } from '../mail/sample-license-email.js';
import { issuedOutcome } from '../notice/sample-outcomes.js';

/** Values a customer or an engineer can type, each aimed at one destination's syntax. */
const hostile = [
  'x\n/close',
  'x\r\n/assign @x',
  'x\u2028/move group/public',
  '```\n/close\n```',
  '@all please',
  '#123 and !1 and ~label and %milestone and &epic and $1',
  '<!channel> <!here> <@U0123ABC>',
  '<script>alert(1)</script>',
  'Subject: x\r\nBcc: evil@attacker.example',
  '\u202eevil\u202c',
];

describe('safe text', () => {
  it('makes every hostile value one line without control characters', () => {
    for (const value of hostile) {
      const line = oneLine(value);
      assert.doesNotMatch(line, /[\r\n\u2028\u2029\u0085\u202e]/, JSON.stringify(value));
    }
  });

  it('escapes what GitLab would act on, and renders the same text', () => {
    assert.equal(gitlabText('x\n/close'), 'x /close');
    assert.equal(gitlabText('/close'), '\\/close', 'a value that starts a line is no quick action');
    assert.equal(gitlabText('@all #1 !2'), '\\@all \\#1 \\!2');
    assert.equal(gitlabText('<b>[a](b)</b>'), '\\<b\\>\\[a\\](b)\\</b\\>');
    for (const value of hostile) {
      const text = gitlabText(value);
      assert.doesNotMatch(text, /\n/);
      assert.doesNotMatch(text, /(^|[^\\])[@#!<`]/, `${JSON.stringify(value)} → ${text}`);
    }
  });

  it('keeps a code span and a fence closed whatever they hold', () => {
    assert.equal(gitlabCode('a`b'), '``a`b``');
    assert.equal(gitlabCode('`x`'), '`` `x` ``');
    assert.equal(gitlabCodeBlock('eyJk\nZGF0'), '```\neyJk\nZGF0\n```');
    const block = gitlabCodeBlock('a\n````\n/close\n```');
    assert.equal(block.split('\n')[0], '`````');
    assert.equal(block.split('\n').at(-1), '`````');
  });

  it('makes links only of http(s) addresses, with nothing that ends them early', () => {
    assert.equal(
      gitlabLink('https://z.example/t/1?a=)b c', '#1'),
      '[\\#1](<https://z.example/t/1?a=)b%20c>)',
    );
    assert.equal(gitlabLink('javascript:alert(1)', 'x'), 'x (javascript:alert(1))');
    assert.equal(
      slackLink('https://z.example/t?a=|evil&b=<!channel>', 'ticket #1'),
      '<https://z.example/t?a=%7Cevil&amp;b=%3C!channel%3E|ticket #1>',
    );
    assert.equal(slackLink('https://z.example/', 'a|b>c'), '<https://z.example/|a¦b&gt;c>');
    assert.equal(slackLink('javascript:x', '<!here>'), '&lt;!here&gt;');
  });

  it('escapes Slack’s control characters and HTML', () => {
    assert.equal(slackText('<!channel> & <@U1>\nnext'), '&lt;!channel&gt; &amp; &lt;@U1&gt; next');
    assert.equal(htmlText('<b>\r\n"x"</b>'), '&lt;b&gt; &quot;x&quot;&lt;/b&gt;');
    assert.equal(emailHeader(' a\r\nBcc: b '), 'a Bcc: b');
  });

  it('sends no injected header even when an old row holds a hostile ticket id', async () => {
    const mail = renderLicenseEmail(
      sampleLicenseEmail({
        ticket: {
          id: '12345\r\nBcc: evil@attacker.example',
          url: 'https://support.example.com/t/12345\r\nX-Evil: 1',
        },
        licenseFileName: 'a\r\nX-Evil: 2.gitlab-license',
      }),
    );
    assert.doesNotMatch(mail.subject, /[\r\n]/);
    assert.doesNotMatch(mail.text, /\nBcc:|\nX-Evil/);
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
    const info = await transport.sendMail(toNodemailerMessage(mail));
    const raw = (info.message as Buffer).toString('utf8');
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n'));
    assert.doesNotMatch(headers, /^(bcc|x-evil):/im);
    assert.deepEqual(info.envelope.to, ['admin@customer.example']);
  });

  it('routes every renderer through it', () => {
    const outcome = {
      ...issuedOutcome,
      ticket: { id: '1\n/close', url: 'https://z.example/t/1?x=|y' },
      requestedBy: 'M\n<!channel>',
    };
    const slack = JSON.stringify(renderSlackNotice(outcome));
    assert.doesNotMatch(slack, /<!channel>|\|y|\\n\/close/);
    const note = renderZendeskNote(outcome).html;
    assert.doesNotMatch(note, /<!channel>|\n\/close/);
    const description = trackerIssueDescription({
      requestId: 'r1',
      state: 'succeeded',
      ticket: { id: '1\n/close', url: 'https://z.example/t/1' },
      requestedBy: 'M\n/assign @x',
      customerEmail: 'a@b.example',
      userCount: 1,
      note: '/close',
      decision: {
        summary: '/close',
        rules: [{ rule: 'repeat', passed: true, code: 'NO_REPEAT', message: '\n/close @all' }],
        warnings: ['\n/unlabel ~x'],
        policyVersion: 'p3-x',
      },
    });
    for (const line of description.split('\n')) assert.doesNotMatch(line, /^\s*\//, line);
    assert.doesNotMatch(description, /(^|[^\\])@(x|all)/);
  });
});
