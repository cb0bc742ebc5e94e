/**
 * Half of a UTF-16 surrogate pair with nothing to pair it: JSON's `\ud800` alone. It has no
 * UTF-8 form, so each database stores something else in its place (U+FFFD, or WTF-8 bytes).
 * `String.prototype.isWellFormed` and `toWellFormed` do this from ES2024, past our ES2023 lib.
 */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const loneSurrogates = new RegExp(loneSurrogate.source, 'g');

export function hasLoneSurrogate(text: string): boolean {
  return loneSurrogate.test(text);
}

/** `text` as a database stores and returns it: each lone surrogate replaced by U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(loneSurrogates, '\uFFFD');
}
