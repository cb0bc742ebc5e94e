/**
 * The folders' arrows point one way: adapters (src/adapters/) know the ports and nothing of a
 * request's life, and the ports know only the pure core. Read from the source, so a new import
 * that turns an arrow around fails here, naming the file and what it imports.
 */
import assert from 'node:assert/strict';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import { sourceFiles } from '../support/source-files.js';

const files = sourceFiles('src');

/** Every file `path` imports (type-only imports too), as paths from the checkout. */
function importsOf(path: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(
    /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g,
  )) {
    const spec = match[1];
    if (spec) found.push(normalize(join(dirname(path), spec)).replace(/\.js$/, '.ts'));
  }
  return found;
}

function offenders(from: string, mayNotImport: readonly string[]): string[] {
  return files
    .filter((file) => file.path.startsWith(from))
    .flatMap((file) =>
      importsOf(file.path, file.text)
        .filter((target) => mayNotImport.some((folder) => target.startsWith(folder)))
        .map((target) => `${file.path} → ${target}`),
    );
}

describe('the import graph', () => {
  it('reads the imports it checks', () => {
    assert.deepEqual(
      importsOf('src/adapters/mail/x.ts', "import type { A } from '../../requests/outcome.js';"),
      ['src/requests/outcome.ts'],
    );
    assert.ok(files.some((file) => file.path === 'src/ports/outcome.ts'));
  });

  it('keeps the adapters out of the request life', () => {
    assert.deepEqual(offenders('src/adapters/', ['src/requests/', 'src/jobs/', 'src/http/']), []);
  });

  it('keeps the ports to the pure core', () => {
    assert.deepEqual(
      offenders('src/ports/', [
        'src/requests/',
        'src/adapters/',
        'src/store/',
        'src/jobs/',
        'src/http/',
        'src/service/',
      ]),
      [],
    );
  });

  it('lets no step import the registry, which imports every step', () => {
    assert.deepEqual(
      offenders('src/requests/steps/', ['src/requests/pipeline.ts']).concat(
        offenders('src/schedule/', ['src/requests/pipeline.ts']),
      ),
      [],
    );
  });
});
