/**
 * bin/lifeline runs a compiled build of src/ and must never run stale code: a changed, new or
 * deleted source rebuilds before the command runs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
// @ts-expect-error: plain JavaScript beside bin/lifeline, without types
import { freshBuild } from '../../bin/fresh-build.mjs';

const root = mkdtempSync(join(tmpdir(), 'lifeline-fresh-build-'));
after(() => rmSync(root, { recursive: true, force: true }));
const build = freshBuild as (root: string) => Promise<string>;

async function run(): Promise<string> {
  const out = await build(root);
  return execFileSync(process.execPath, [join(out, 'main.js')], { encoding: 'utf8' }).trim();
}

it('rebuilds when a source changes, appears or goes, and not otherwise', async () => {
  mkdirSync(join(root, 'src', 'parts'), { recursive: true });
  writeFileSync(
    join(root, 'src', 'main.ts'),
    "import { word } from './parts/word.js';\nconsole.log(word as string);\n",
  );
  writeFileSync(join(root, 'src', 'parts', 'word.ts'), "export const word: string = 'one';\n");
  assert.equal(await run(), 'one');

  const out = join(root, '.lifeline-build');
  const manifest = join(out, '.sources.json');
  const builtAt = (await import('node:fs')).statSync(manifest).mtimeMs;
  assert.equal(await run(), 'one');
  assert.equal((await import('node:fs')).statSync(manifest).mtimeMs, builtAt, 'fresh: no rebuild');

  // The same size, and a modification time set back: still a change.
  writeFileSync(join(root, 'src', 'parts', 'word.ts'), "export const word: string = 'two';\n");
  utimesSync(join(root, 'src', 'parts', 'word.ts'), new Date(0), new Date(0));
  assert.equal(await run(), 'two');

  writeFileSync(join(root, 'src', 'parts', 'other.ts'), "export const word = 'three';\n");
  writeFileSync(
    join(root, 'src', 'main.ts'),
    "import { word } from './parts/other.js';\nconsole.log(word);\n",
  );
  assert.equal(await run(), 'three');

  rmSync(join(root, 'src', 'parts', 'word.ts'));
  await build(root);
  assert.equal(existsSync(join(out, 'parts', 'word.js')), false, 'no output outlives its source');
});
