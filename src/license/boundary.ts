/**
 * The optional `BEGIN <NAME> LICENSE` / `END <NAME> LICENSE` lines around a license text,
 * written as the gem's `Boundary.add_boundary` does and removed as its `remove_boundary` does.
 */
const WIDTH = 60;
// Bounded name length keeps the search linear on hostile input.
const BEGIN_LINE = /-*BEGIN [^\r\n]{1,100}? LICENSE-*/g;
const END_LINE = /-*END [^\r\n]{1,100}? LICENSE-*/;

/** Centers `text` in dashes to 60 characters, the extra dash going first (the gem's ceil/floor). */
function padWithDashes(text: string): string {
  const padding = Math.max(WIDTH - text.length, 0);
  return `${'-'.repeat(Math.ceil(padding / 2))}${text}${'-'.repeat(Math.floor(padding / 2))}`;
}

/**
 * `name` is e.g. "GitLab" or "GitLab Enterprise Edition". Like the gem, the body is stripped
 * and lines are joined by `\n` with no newline after the END line.
 */
export function addBoundary(body: string, name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper.length === 0 || /[\r\n]/.test(upper)) {
    throw new RangeError('A license boundary name must be a non-empty single line.');
  }
  return [
    padWithDashes(`BEGIN ${upper} LICENSE`),
    body.trim(),
    padWithDashes(`END ${upper} LICENSE`),
  ].join('\n');
}

/** The text between the last BEGIN line and the first END line after it (all of it when none). */
export function removeBoundary(text: string): string {
  let body = text;
  let lastBeginEnd = -1;
  for (const match of text.matchAll(BEGIN_LINE)) lastBeginEnd = match.index + match[0].length;
  if (lastBeginEnd >= 0) body = body.slice(lastBeginEnd);
  const end = END_LINE.exec(body);
  if (end) body = body.slice(0, end.index);
  return body;
}
