/**
 * The data disk the chaos run can fill for a moment: a small tmpfs (mounting one needs root, as
 * test/service/full-disk.test.ts does) holding the SQLite file, or, on PostgreSQL, a tablespace
 * that a fresh database's tables default to. Filling writes a file until ENOSPC; freeing
 * deletes it. Without root there is nothing that can be filled safely: no disk fault.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase } from '../../test/support/databases.js';

export interface DataDisk {
  /** The database the cluster runs on (a fresh one, dropped by `remove`). */
  databaseUrl: string;
  /** Whether fill() can really fill anything (false without root). */
  fillable: boolean;
  fill(): Promise<void>;
  free(): void;
  remove(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;

export async function prepareDataDisk(
  adminUrl: string | undefined,
  sizeMb = 96,
): Promise<DataDisk> {
  const mountPoint = mkdtempSync(join(tmpdir(), 'lifeline-chaos-disk-'));
  if (isRoot)
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0755`, 'tmpfs', mountPoint]);
  const filler = join(mountPoint, 'filler');
  const postgres = adminUrl
    ? await createPostgresDatabase(adminUrl, isRoot ? { tablespaceIn: mountPoint } : {})
    : undefined;
  return {
    databaseUrl: postgres?.url ?? `sqlite:${join(mountPoint, 'lifeline.db')}`,
    fillable: isRoot,
    fill: () => (isRoot ? fillFile(filler) : Promise.resolve()),
    free: () => rmSync(filler, { force: true }),
    async remove() {
      await postgres?.drop();
      if (isRoot) execFileSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
}

/**
 * Writes until the file system refuses more, down to its last small block. Asynchronously: the
 * fakes run in this process and must go on answering (a synchronous fill stalled them for 2 s).
 */
async function fillFile(path: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 512]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) await file.write(chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    await file.close();
  }
}
