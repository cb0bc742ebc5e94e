import { oneLine } from './one-line.js';

/**
 * Untrusted text for Slack mrkdwn: one line, and Slack's three control characters escaped
 * (https://api.slack.com/reference/surfaces/formatting#escaping). With `<` escaped, no value
 * can write `<!channel>`, `<!here>`, `<@U123>` or a link of its own; Lifeline never sends
 * `link_names`, so a bare `@channel` stays text.
 */
export function slackText(value: string | number): string {
  return escapeSlack(oneLine(value));
}

/**
 * `<url|label>` for an http(s) URL, or the label alone otherwise. A `|` in the URL would end it
 * and make the rest the label, so it is percent-encoded (`%7C` is the same address); a `>` in
 * the label would end the link, so it is escaped, and a `|` in it shown as `¦`.
 */
export function slackLink(url: string, label: string): string {
  const href = slackUrl(url);
  if (href === undefined) return slackText(label);
  return `<${href}|${slackText(label).replace(/\|/g, '¦')}>`;
}

/**
 * An http(s) URL as mrkdwn text (escaped, `|` as `%7C`), or undefined for any other scheme or
 * what is no URL.
 */
export function slackUrl(url: string): string | undefined {
  try {
    const parsed = new URL(oneLine(url).trim());
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return escapeSlack(parsed.href.replace(/\|/g, '%7C'));
  } catch {
    return undefined;
  }
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
