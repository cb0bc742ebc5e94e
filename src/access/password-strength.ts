import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * How guessable a password is, by zxcvbn-ts (dictionaries of common passwords, names, English
 * words, keyboard patterns, repeats and dates), with the account's own name as a penalty. The
 * dictionaries are a few MB: loaded once, on the first password set, never on sign-in.
 */
let checker: Promise<ZxcvbnFactory> | undefined;

function loadChecker(): Promise<ZxcvbnFactory> {
  checker ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
      }),
  );
  return checker;
}

/** zxcvbn's 0–4 scale: 3 is "safely unguessable" against an online attack with throttling. */
const minimumScore = 3;

/** The password rule, checked before anything is stored: a sentence, or undefined when fine. */
export async function passwordProblem(
  password: string,
  username: string,
): Promise<string | undefined> {
  if (password.length < 10) return 'The password must be at least 10 characters.';
  if (password.length > 500) return 'The password must be at most 500 characters.';
  const result = (await loadChecker()).check(password, [
    username,
    ...username.split(/[^a-z0-9]+/i),
  ]);
  if (result.score >= minimumScore) return undefined;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return `This password is too easy to guess${why ? `: ${why}` : '.'} A few unrelated words make a strong one.`;
}
