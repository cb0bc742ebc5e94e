/**
 * The files of a Zendesk app, wherever they are: the source folder, or the zip that is uploaded.
 * Only what Zendesk receives counts: manifest.json, translations/ and assets/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { unzipSync } from 'fflate';

export interface AppFiles {
  /** Paths relative to the app's root, with `/`. */
  paths(): string[];
  read(path: string): Buffer | undefined;
}

/** What goes into the package: the manifest, translations and assets, without build leftovers. */
export function isPackaged(path: string): boolean {
  if (path !== 'manifest.json' && !path.startsWith('translations/') && !path.startsWith('assets/'))
    return false;
  return !/\.(map|tmp)$/.test(path) && !path.split('/').some((part) => part.startsWith('.'));
}

export function appFilesFromDirectory(root: string): AppFiles {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  const paths = found.filter(isPackaged).sort();
  return {
    paths: () => paths,
    read: (path) => (paths.includes(path) ? readFileSync(join(root, path)) : undefined),
  };
}

export function appFilesFromMap(files: ReadonlyMap<string, Uint8Array>): AppFiles {
  return {
    paths: () => [...files.keys()].sort(),
    read: (path) => {
      const bytes = files.get(path);
      return bytes ? Buffer.from(bytes) : undefined;
    },
  };
}

export function appFilesFromZip(zip: Uint8Array): AppFiles {
  const entries = unzipSync(zip);
  return appFilesFromMap(new Map(Object.entries(entries).filter(([path]) => !path.endsWith('/'))));
}
