import { oneLine } from './one-line.js';

/**
 * Characters that mean something to GitLab Flavored Markdown in running text: emphasis, links,
 * HTML, and the references that link or notify (`@user`, `#1`, `!1`, `$1`, `&1`, `~label`,
 * `%milestone`, `^`). GitLab honours a backslash before each of them (CommonMark escapes every
 * ASCII punctuation character, and GitLab's reference filters skip an escaped one).
 */
const SIGNIFICANT = /[\\`*_{}[\]<>#!|~@$%&^]/g;

/** What would make a value that starts a line a block of its own, or a quick action (`/close`). */
const LINE_START = /^[/+=-]/;

/**
 * Untrusted text for a GitLab issue: one line, every significant character escaped, and a
 * leading `/` escaped so that even at the start of a line it is no quick action. Renders as
 * the text itself.
 */
export function gitlabText(value: string | number): string {
  const escaped = oneLine(value).trimStart().replace(SIGNIFICANT, '\\$&');
  return LINE_START.test(escaped) ? `\\${escaped}` : escaped;
}

/**
 * An identifier shown as code: a code span whose backtick run is longer than any in the value,
 * so the value cannot close it. Nothing inside a code span is a reference or a mention.
 */
export function gitlabCode(value: string | number): string {
  const text = oneLine(value);
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * A fenced code block for text kept byte for byte (the license). The fence is longer than any
 * backtick run in the text, so no line of it can close the block; three backticks when the
 * text has none, the fence GitLab's quick-action parser recognises as code.
 */
export function gitlabCodeBlock(text: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}\n${text.replace(/\r\n?/g, '\n')}\n${fence}`;
}

/**
 * `[label](<url>)` for an http(s) URL (the URL parser percent-encodes what would end the
 * destination); otherwise the label and the URL as escaped text, so a `javascript:` URL never
 * becomes a link.
 */
export function gitlabLink(url: string, label: string): string {
  const href = httpUrl(url);
  if (href === undefined) return `${gitlabText(label)} (${gitlabText(url)})`;
  return `[${gitlabText(label)}](<${href}>)`;
}

function httpUrl(url: string): string | undefined {
  try {
    const parsed = new URL(oneLine(url).trim());
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    // `<`, `>` and spaces are already percent-encoded by the parser.
    return parsed.href;
  } catch {
    return undefined;
  }
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
