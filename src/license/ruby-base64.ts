/**
 * Base64 as the `gitlab-license` gem writes it (Ruby's `Base64.encode64`: standard alphabet,
 * `=` padding, lines of 60 characters each ending in `\n`, the last one included), and a strict
 * reader that accepts any line wrapping but nothing outside the base64 alphabet.
 */
const LINE_LENGTH = 60;
const ALPHABET_WITH_PADDING = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /[\s]+/g;

/** `newline` is `\n`; the encoder passes the two characters `\` `n` to write inside JSON. */
export function encodeRubyBase64(bytes: Uint8Array, newline = '\n'): string {
  const flat = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  if (flat.length === 0) return '';
  let wrapped = '';
  for (let start = 0; start < flat.length; start += LINE_LENGTH) {
    wrapped += flat.slice(start, start + LINE_LENGTH) + newline;
  }
  return wrapped;
}

export type StrictBase64Result =
  | { ok: true; bytes: Buffer; complete: boolean }
  | { ok: false; reason: 'alphabet' | 'padding'; offset?: number };

/**
 * Reads base64 with any whitespace or line breaks in it. Characters outside the standard
 * alphabet are refused (Node's own decoder would silently skip them). Missing padding is
 * tolerated, but reported through `complete` so that a cut-off text can be named as such.
 */
export function decodeStrictBase64(text: string): StrictBase64Result {
  const compact = text.replace(WHITESPACE, '');
  if (!ALPHABET_WITH_PADDING.test(compact)) {
    const offset = compact.search(/[^A-Za-z0-9+/=]/);
    return offset >= 0
      ? { ok: false, reason: 'alphabet', offset }
      : { ok: false, reason: 'padding' };
  }
  const padded = compact.endsWith('=');
  if (padded && compact.length % 4 !== 0) return { ok: false, reason: 'padding' };
  // A length of 4n + 1 cannot come from any byte string: the text was cut.
  const complete = compact.length % 4 === 0;
  return { ok: true, bytes: Buffer.from(compact, 'base64'), complete };
}
