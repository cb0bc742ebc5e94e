/**
 * Small helpers that keep the policy's sentences consistent: plan names as GitLab shows them,
 * counts with thousands separators, "1 day" / "2 days". Written by hand rather than with Intl so
 * that a recorded decision replays to the same text on any machine.
 */

/** `premium` → `Premium`, as the Admin Area shows plans. */
export function planName(plan: string): string {
  return plan === '' ? '(no plan)' : plan.charAt(0).toUpperCase() + plan.slice(1);
}

/** 100000 → `100,000`. */
export function count(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const [whole = '', fraction] = String(Math.abs(value)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** `1 day`, `3 days`. */
export function days(value: number): string {
  return value === 1 ? '1 day' : `${count(value)} days`;
}

/** `1 user`, `480 users`. */
export function users(value: number): string {
  return value === 1 ? '1 user' : `${count(value)} users`;
}

/** A value the engineer typed, shown back safely inside a sentence. */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** `a Premium trial`, `an Ultimate trial`. */
export function withArticle(phrase: string): string {
  return /^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}
