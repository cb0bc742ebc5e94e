import type { CalendarDate } from '../../license/calendar-date.js';
import { addDays } from '../../license/calendar-date.js';
import { AFTER_TRIAL_ENDS } from '../../license/gitlab-upload/license-life.js';
import { longDate, wholeNumber } from './english-format.js';
import { emailHeader, emailText, escapeHtml, htmlLink } from '../safe-text/index.js';
import type { OutgoingMail } from '../../ports/mailer.js';
import { licenseMessageId } from './message-id.js';

/** Who an email to a customer is from and to, and what fixes its Message-ID. */
export interface CustomerEmailEnvelope {
  /** With `deliveryId`, makes the Message-ID `<lifeline.REQUEST.DELIVERY@messageIdDomain>`. */
  requestId: string;
  deliveryId: string;
  /** See `messageIdDomainOf`: the From address's domain, or `lifeline.local`. */
  messageIdDomain: string;
  from: string;
  replyTo?: string;
  /** The customer. */
  to: string;
  ticket: { id: string; url: string };
}

export interface LicenseEmailInput extends CustomerEmailEnvelope {
  userCount: number;
  /** The real dates read from the license that is attached: never a computed "10 days". */
  issuedAt: CalendarDate;
  expiresAt: CalendarDate;
  /** The `.gitlab-license` file's text, attached byte for byte. */
  licenseText: string;
  licenseFileName: string;
  /** Defaults to `GitLab`. */
  productName?: string;
}

/**
 * The attachment's type. `application/octet-stream` rather than a private `x-` type: every mail
 * client offers it as a download without trying to display or convert it, and nodemailer sends
 * it base64-encoded, so the file arrives byte for byte; GitLab reads the file by its content.
 */
export const LICENSE_ATTACHMENT_CONTENT_TYPE = 'application/octet-stream';

/** An example host: the customer replaces it with their own instance's address. */
const EXAMPLE_INSTANCE_URL = 'https://gitlab.example.com';

/** The email that carries a temporary license to the customer. Pure: same input, same mail. */
export function renderLicenseEmail(given: LicenseEmailInput): OutgoingMail {
  const input = safeInput(given);
  const facts = licenseFacts(input);
  return {
    messageId: licenseMessageId(input.requestId, input.deliveryId, input.messageIdDomain),
    from: input.from,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    to: input.to,
    subject: emailHeader(
      `Your temporary ${facts.product} license: ${facts.users}, works through ${facts.lastFullDay} (ticket ${facts.ticketRef})`,
    ),
    text: renderText(input, facts),
    html: renderHtml(input, facts),
    attachments: [
      {
        filename: input.licenseFileName,
        content: input.licenseText,
        contentType: LICENSE_ATTACHMENT_CONTENT_TYPE,
      },
    ],
    headers: {
      'X-Lifeline-Request': input.requestId,
      // RFC 3834: tells vacation responders and ticket systems not to answer automatically.
      'Auto-Submitted': 'auto-generated',
    },
  };
}

interface LicenseFacts {
  product: string;
  /** `1,500`. */
  count: string;
  /** `250 users`, `1 user`, `1,500 users`. */
  users: string;
  /** `#12345`. */
  ticketRef: string;
  /** expires_at − 1: the last full day the license works. */
  lastFullDay: CalendarDate;
  /** `Tuesday, December 8, 2026`: the ISO date is unambiguous, this one is friendlier. */
  lastFullDayLong: string;
  curl: string;
}

function licenseFacts(input: LicenseEmailInput): LicenseFacts {
  const count = wholeNumber(input.userCount);
  return {
    product: input.productName ?? 'GitLab',
    count,
    users: `${count} ${input.userCount === 1 ? 'user' : 'users'}`,
    ticketRef: `#${input.ticket.id.replace(/^#/, '')}`,
    lastFullDay: addDays(input.expiresAt, -1),
    lastFullDayLong: longDate(addDays(input.expiresAt, -1)),
    curl: [
      'curl --request POST --header "PRIVATE-TOKEN: <admin token>" \\',
      `     --data-urlencode "license@${input.licenseFileName}" \\`,
      `     "${EXAMPLE_INSTANCE_URL}/api/v4/license"`,
    ].join('\n'),
  };
}

function renderText(input: LicenseEmailInput, facts: LicenseFacts): string {
  const { product, users, ticketRef, lastFullDay, lastFullDayLong } = facts;
  return `Hello,

As discussed in support ticket ${ticketRef}, here is a temporary ${product} license to unblock your instance until the renewal of your subscription is done.

  License:       ${product} Ultimate trial (temporary)
  Users:         ${facts.count}
  Active:        at once, as soon as it is added
  Works through: ${lastFullDay} (${lastFullDayLong})
  Expires:       ${input.expiresAt}, at 00:00 on your server's clock
  Ticket:        ${ticketRef} ${input.ticket.url}
  Sent to:       ${input.to}

This is a temporary Ultimate trial license for ${users}. It is active as soon as you add it, whatever your instance's time zone, and lifts the read-only state at once. The last full day it works is ${lastFullDay}: Ultimate features stop at the start of ${input.expiresAt} (00:00 on your server's clock). After that, ${AFTER_TRIAL_ENDS}: it does not turn read-only again. Please complete the renewal of your subscription before ${input.expiresAt}.

HOW TO INSTALL IT

In the web interface, signed in as an administrator:
  1. Go to Admin Area > Subscription and select "Add license".
  2. Upload the attached file ${input.licenseFileName}, or paste its text (it is also at the end of this email).
  3. Tick the box to accept the Subscription Agreement and select "Add license".

Or with the API, using an administrator's personal access token (replace ${EXAMPLE_INSTANCE_URL} with your instance's address):

${facts.curl}

If anything does not work, reply on ticket ${ticketRef}: ${input.ticket.url}

The license text, in case the attachment was removed on the way:

${input.licenseText.trimEnd()}
`;
}

function renderHtml(input: LicenseEmailInput, facts: LicenseFacts): string {
  const product = escapeHtml(facts.product);
  const users = escapeHtml(facts.users);
  const expiresAt = escapeHtml(input.expiresAt);
  const lastFullDay = escapeHtml(facts.lastFullDay);
  const fileName = escapeHtml(input.licenseFileName);
  const ticketLink = htmlLink(input.ticket.url, `ticket ${facts.ticketRef}`);
  const cell = 'style="padding:2px 12px 2px 0;text-align:left;vertical-align:top"';
  const pre =
    'style="background:#f4f4f4;padding:8px;white-space:pre-wrap;word-break:break-all;font-family:monospace"';
  return `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Your temporary ${product} license</title></head>
<body style="font-family:sans-serif;line-height:1.4">
<p>Hello,</p>
<p>As discussed in ${ticketLink}, here is a temporary ${product} license to unblock your instance until the renewal of your subscription is done.</p>
<table>
<tr><th ${cell}>License</th><td>${product} Ultimate trial (temporary)</td></tr>
<tr><th ${cell}>Users</th><td>${escapeHtml(facts.count)}</td></tr>
<tr><th ${cell}>Active</th><td>at once, as soon as it is added</td></tr>
<tr><th ${cell}>Works through</th><td><strong>${lastFullDay}</strong> (${escapeHtml(facts.lastFullDayLong)})</td></tr>
<tr><th ${cell}>Expires</th><td>${expiresAt}, at 00:00 on your server's clock</td></tr>
<tr><th ${cell}>Ticket</th><td>${htmlLink(input.ticket.url, facts.ticketRef)}</td></tr>
<tr><th ${cell}>Sent to</th><td>${escapeHtml(input.to)}</td></tr>
</table>
<p>This is a temporary Ultimate trial license for ${users}. It is active as soon as you add it, whatever your instance's time zone, and lifts the read-only state at once. The last full day it works is <strong>${lastFullDay}</strong>: Ultimate features stop at the start of ${expiresAt} (00:00 on your server's clock). After that, ${escapeHtml(AFTER_TRIAL_ENDS)}: it does not turn read-only again. <strong>Please complete the renewal of your subscription before ${expiresAt}.</strong></p>
<h2 style="font-size:1.1em">How to install it</h2>
<p>In the web interface, signed in as an administrator:</p>
<ol>
<li>Go to <strong>Admin Area &rsaquo; Subscription</strong> and select <strong>Add license</strong>.</li>
<li>Upload the attached file <code>${fileName}</code>, or paste its text (it is also at the end of this email).</li>
<li>Tick the box to accept the Subscription Agreement and select <strong>Add license</strong>.</li>
</ol>
<p>Or with the API, using an administrator's personal access token (replace <code>${EXAMPLE_INSTANCE_URL}</code> with your instance's address):</p>
<pre ${pre}>${escapeHtml(facts.curl)}</pre>
<p>If anything does not work, reply on ${ticketLink}.</p>
<p>The license text, in case the attachment was removed on the way:</p>
<pre ${pre}>${escapeHtml(input.licenseText.trimEnd())}</pre>
</body>
</html>
`;
}

/** Header values stay on one line whatever a ticket field contains. */
/**
 * The values a person typed, made safe once for every part of the mail (safe-text): one line
 * each, so a ticket id cannot add lines to the customer's email nor a header to the message.
 */
function safeInput(input: LicenseEmailInput): LicenseEmailInput {
  return {
    ...input,
    from: emailHeader(input.from),
    ...(input.replyTo !== undefined && { replyTo: emailHeader(input.replyTo) }),
    to: emailHeader(input.to),
    ticket: { id: emailText(input.ticket.id).trim(), url: emailText(input.ticket.url).trim() },
    licenseFileName: emailHeader(input.licenseFileName),
    ...(input.productName !== undefined && { productName: emailHeader(input.productName) }),
  };
}
