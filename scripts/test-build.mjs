// The checkout as the tests see it, compiled once per `npm test`: .lifeline-test-build/ holds
// every TypeScript file compiled by esbuild to JavaScript beside a link to its source, and a
// link to everything else (fixtures, package.json, node_modules, bin/, web/dist...). Each test
// file is its own process; run through tsx, each paid about 1.7 s of CPU to load the service
// through tsx's loader thread, against 0.7 s compiled, and that was a fifth of the suite.
//
// Links, not copies, so a path computed from import.meta.url ("../../test/fixtures",
// "../../web/dist") finds the checkout's own file, a test reading a source (.ts) reads the
// real one, and what a test writes through a linked folder lands in the checkout as before.
import {
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const TEST_BUILD = '.lifeline-test-build';

/** Folders never mirrored: the build itself and what holds no source of ours. */
const LEFT_OUT = new Set([TEST_BUILD, '.git', '.lifeline-build']);
/** Linked whole: no source of ours inside, and big. */
const LINKED_WHOLE = new Set(['node_modules', 'dist']);
/** Outputs the tests build into the checkout: made first, so the mirror links them. */
const OUTPUTS = ['dist', 'web/dist', 'zendesk-app/dist', 'test-results'];

const isSource = (name) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts');

/** Builds the mirror of `root` and answers its path. */
export async function buildForTests(root) {
  for (const output of OUTPUTS) mkdirSync(join(root, output), { recursive: true });
  const out = join(root, TEST_BUILD);
  const building = `${out}.${process.pid}.tmp`;
  rmSync(building, { recursive: true, force: true });
  const sources = [];
  mirror(root, root, building, sources);
  // esbuild comes with tsx, which every checkout that runs the tests has.
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: sources,
    outdir: building,
    outbase: root,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(root, 'tsconfig.json'),
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
  });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.contents);
  }
  rmSync(out, { recursive: true, force: true });
  renameSync(building, out);
  return out;
}

function mirror(root, dir, into, sources) {
  mkdirSync(into, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (dir === root && LEFT_OUT.has(name)) continue;
    const path = join(dir, name);
    if (name.endsWith('.tmp') && name.startsWith(TEST_BUILD)) continue;
    const target = join(into, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory() && !LINKED_WHOLE.has(name) && holdsSource(path)) {
      mirror(root, path, target, sources);
      continue;
    }
    symlinkSync(path, target);
    if (stat.isFile() && isSource(name)) sources.push(relative(root, path));
  }
}

function holdsSource(dir) {
  for (const name of readdirSync(dir)) {
    if (LINKED_WHOLE.has(name)) continue;
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory() ? holdsSource(path) : isSource(name)) return true;
  }
  return false;
}

/** The compiled path of a test file given relative to the checkout. */
export function compiledTest(file) {
  return join(TEST_BUILD, file.replace(/\.tsx?$/, '.js'));
}
