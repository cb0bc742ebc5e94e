/**
 * Public keys have names, so that a person reading a license learns which key signed it
 * ("production", "test") instead of a fingerprint. A key file is given as `name=path`, or as a
 * plain path, which is then named by its file name (or "key N" when it has none).
 */
import { basename } from 'node:path';

export interface NamedKeyFile {
  name: string;
  path: string;
}

const NAME = /^[\w .@-]{1,64}$/;

export function parseNamedKeyFile(entry: string, index: number): NamedKeyFile {
  const text = entry.trim();
  const equals = text.indexOf('=');
  if (equals > 0) {
    const name = text.slice(0, equals).trim();
    const path = text.slice(equals + 1).trim();
    // `a=b/c` names a key; `./odd=name.pub` is a path that happens to hold an equals sign.
    if (NAME.test(name) && path !== '') return { name, path };
  }
  return { name: basename(text) || `key ${index + 1}`, path: text };
}

/** Comma-separated entries, as LIFELINE_EVIDENCE_PUBLIC_KEY_FILES holds them. */
export function parseNamedKeyFiles(list: string): NamedKeyFile[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseNamedKeyFile);
  const seen = new Set<string>();
  for (const { name } of entries) {
    if (seen.has(name)) {
      throw new RangeError(
        `two keys are named "${name}": give each one a name of its own (name=path).`,
      );
    }
    seen.add(name);
  }
  return entries;
}
