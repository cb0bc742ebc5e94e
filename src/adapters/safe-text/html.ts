import { oneLine } from './one-line.js';

const REPLACEMENTS: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values. Every value that comes
 * from a request (ticket URL, addresses, file name) goes through it: a ticket field is typed by
 * people outside our control.
 */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (character) => REPLACEMENTS[character] ?? character);
}

/** Untrusted text as one line of HTML element content (the Zendesk note, the email's HTML). */
export function htmlText(value: string | number): string {
  return escapeHtml(oneLine(value));
}

/**
 * A link for an http(s) URL; anything else (a `javascript:` URL, a typo) is shown as plain
 * text beside the label, so that a hostile ticket URL cannot become a clickable script.
 */
export function htmlLink(url: string, label: string = url): string {
  let safe = false;
  try {
    const protocol = new URL(url).protocol;
    safe = protocol === 'https:' || protocol === 'http:';
  } catch {
    safe = false;
  }
  if (safe) return `<a href="${escapeHtml(oneLine(url))}">${htmlText(label)}</a>`;
  return label === url ? htmlText(url) : `${htmlText(label)} (${htmlText(url)})`;
}
