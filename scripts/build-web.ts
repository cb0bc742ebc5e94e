/**
 * Builds the browser code with esbuild: the console (web/src/console → web/dist, served by the
 * service at `/`) and the Zendesk sidebar (web/src/sidebar → zendesk-app/assets/sidebar.{js,css}).
 * Each file is written to a temporary name and renamed, so a service or a test reading the
 * files while another build runs never sees half a file.
 *
 *   npm run build:web           (also run by `npm start` and by the browser tests)
 */
import { copyFileSync, mkdirSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

export const webPaths = {
  consoleDir: join(root, 'web/dist'),
  sidebarDir: join(root, 'zendesk-app/assets'),
};

export interface BuiltFile {
  path: string;
  bytes: number;
}

const common: BuildOptions = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  // What Zendesk's agent interface supports, and any browser of the last few years.
  target: ['chrome111', 'firefox115', 'safari16.4', 'edge111'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  logLevel: 'silent',
  write: false,
  absWorkingDir: root,
};

/** Builds both front ends; answers the files written with their sizes. */
export async function buildWeb(options: { minify?: boolean } = {}): Promise<BuiltFile[]> {
  const minify = options.minify ?? true;
  const [consoleBuild, sidebarBuild] = await Promise.all([
    build({
      ...common,
      minify,
      entryPoints: { app: 'web/src/console/main.tsx', 'app-style': 'web/src/console/console.css' },
      outdir: webPaths.consoleDir,
      sourcemap: 'linked',
    }),
    // No source map: the sidebar is uploaded to Zendesk, and stays small.
    build({
      ...common,
      minify,
      entryPoints: {
        sidebar: 'web/src/sidebar/main.tsx',
        'sidebar-style': 'web/src/sidebar/sidebar.css',
      },
      outdir: webPaths.sidebarDir,
    }),
  ]);
  const written: BuiltFile[] = [];
  for (const file of [...(consoleBuild.outputFiles ?? []), ...(sidebarBuild.outputFiles ?? [])]) {
    // app-style.css → app.css: a CSS entry needs its own name in esbuild, the pages want one name.
    const path = file.path.replace(/-style\.css(\.map)?$/, '.css$1');
    const contents = path.endsWith('.css')
      ? new TextEncoder().encode(file.text.replace(/-style\.css\.map\b/, '.css.map'))
      : file.contents;
    writeAtomically(path, contents);
    written.push({ path, bytes: contents.byteLength });
  }
  const index = join(webPaths.consoleDir, 'index.html');
  const temporary = `${index}.${process.pid}.tmp`;
  copyFileSync(join(root, 'web/src/console/index.html'), temporary);
  renameSync(temporary, index);
  written.push({ path: index, bytes: 0 });
  return written;
}

function writeAtomically(path: string, contents: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

// Run directly, also through a link to the file (the tests run the checkout through links).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const started = Date.now();
  const files = await buildWeb();
  for (const file of files) {
    if (file.bytes > 0)
      console.error(`  ${relative(root, file.path)}  ${(file.bytes / 1024).toFixed(1)} KiB`);
  }
  console.error(`Built the console and the Zendesk sidebar in ${Date.now() - started} ms.`);
}
