/**
 * The one place that makes untrusted text (ticket ids and URLs, addresses, names, notes, the
 * policy's sentences that quote them) safe for each destination: GitLab markdown, Slack
 * mrkdwn, HTML (the Zendesk note, the email's HTML part), and the email's text and headers.
 * Every renderer in src/delivery and src/requests goes through it.
 */
export { oneLine } from './one-line.js';
export { gitlabCode, gitlabCodeBlock, gitlabLink, gitlabText } from './gitlab-markdown.js';
export { slackLink, slackText, slackUrl } from './slack-mrkdwn.js';
export { escapeHtml, htmlLink, htmlText } from './html.js';
export { emailHeader, emailText } from './email.js';
