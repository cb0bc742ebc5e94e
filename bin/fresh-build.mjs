// The checkout's build of src/ for bin/lifeline: each TypeScript file compiled by esbuild to
// JavaScript in .lifeline-build/ (the same layout as tsc's dist/, so paths such as
// ../../package.json and ../../web/dist resolve alike), and rebuilt whenever it could be stale.
//
// Stale means: the set of files under src/, or any one's size or modification time, differs
// from what the build recorded before it read them. Equality, not "older than", so a checkout
// of an older commit, a deleted file or a new one all rebuild; recording before reading means
// an edit during a build is seen by the next call. Checking costs one stat per source file
// (a few milliseconds), against ~1 s for tsx compiling the service on every call.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const MANIFEST = '.sources.json';

/** The directory of a fresh build of `root`/src, building it first when needed. */
export async function freshBuild(root) {
  const src = join(root, 'src');
  const out = join(root, '.lifeline-build');
  const sources = snapshot(src);
  if (readManifest(out) === JSON.stringify(sources)) return out;
  await build(src, out, sources);
  return out;
}

function snapshot(src) {
  const files = {};
  for (const name of readdirSync(src, { recursive: true }).sort()) {
    if (!name.endsWith('.ts')) continue;
    const stat = statSync(join(src, name));
    if (stat.isFile()) files[name] = [stat.size, stat.mtimeMs];
  }
  return files;
}

function readManifest(out) {
  try {
    return readFileSync(join(out, MANIFEST), 'utf8');
  } catch {
    return undefined;
  }
}

async function build(src, out, sources) {
  // esbuild comes with tsx, which a checkout has; an installed build without src/ never gets here.
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    absWorkingDir: src,
    entryPoints: Object.keys(sources).filter((name) => !name.endsWith('.d.ts')),
    outdir: out,
    outbase: src,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
  });
  const written = new Set();
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    // Each file replaced whole, so a command starting meanwhile never reads half of one.
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
    written.add(relative(out, file.path));
  }
  // A source deleted must not live on as its old output, still importable.
  for (const name of readdirSync(out, { recursive: true })) {
    const path = join(out, name);
    // Another command's build in flight leaves *.tmp files; they are its to rename.
    if (name === MANIFEST || name.endsWith('.tmp') || written.has(name)) continue;
    try {
      if (statSync(path).isFile()) rmSync(path);
    } catch {
      // Gone already: another build removed it too.
    }
  }
  const temporary = join(out, `${MANIFEST}.${process.pid}.tmp`);
  writeFileSync(temporary, JSON.stringify(sources));
  renameSync(temporary, join(out, MANIFEST));
}
