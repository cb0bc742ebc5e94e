import { hasLoneSurrogate } from '../well-formed-text.js';

/**
 * What makes a name unfit to stand for a person, where names are compared (no one approves
 * their own request; each person has a daily cap) and shown (lists, the audit log): a name that
 * looks like someone else's on screen must not be a different person to the code. Checked after
 * NFKC, which folds compatibility forms (full-width "ａｌｉｃｅ" is alice). Returns the problem
 * in words, or undefined.
 *
 * Refused:
 * - control, format and separator characters, and every default-ignorable code point (zero-width
 *   spaces and joiners, variation selectors, the combining grapheme joiner, Hangul fillers): a
 *   reader sees nothing, the code sees another name;
 * - blank-looking symbols (the Braille blank U+2800);
 * - letters of Latin, Cyrillic and Greek mixed in one name ("аlice" with a Cyrillic а): the
 *   scripts that share look-alike letters (Unicode's UTS #39 calls this mixed-script);
 * - the word "via" on its own: "PERSON via TOKEN" is how Lifeline records an integration, and
 *   the person is what comes before the last " via ".
 * Names in one other script, or in one of these three, are names.
 */
export function personNameProblem(name: string): string | undefined {
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800]/u.test(name))
    return 'has control or invisible characters';
  if (hasLoneSurrogate(name)) return 'has half of a UTF-16 surrogate pair';
  const scripts = ['Latin', 'Cyrillic', 'Greek'].filter((script) =>
    new RegExp(`\\p{Script=${script}}`, 'u').test(name),
  );
  if (scripts.length > 1) return `mixes ${scripts.join(' and ')} letters`;
  if (/(^|\s)via(\s|$)/i.test(name))
    return 'has the word "via", which is how Lifeline records the integration a person used';
  return undefined;
}
