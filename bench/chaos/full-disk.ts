/**
 * The data disk the chaos run can fill for a moment: a small tmpfs (mounting one needs root, as
 * test/service/full-disk.test.ts does) holding the SQLite file, or, on PostgreSQL, a tablespace
 * that a fresh database's tables default to. Filling writes a file until ENOSPC; freeing
 * deletes it. Without root there is nothing that can be filled safely: no disk fault.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

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
    ? await postgresOn(adminUrl, isRoot ? mountPoint : undefined)
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

/** A fresh database; with a mount point, its tables live in a tablespace there. */
async function postgresOn(
  adminUrl: string,
  mountPoint: string | undefined,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lifeline_chaos_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (mountPoint) {
      const location = join(mountPoint, 'pg');
      mkdirSync(location, { mode: 0o700 });
      execFileSync('chown', ['postgres:postgres', location]);
      await admin.query(`create tablespace ${name} location '${location}'`);
    }
    await admin.query(`create database ${name}`);
    // The catalogs stay on the server's disk; Lifeline's tables go to the small one.
    if (mountPoint) await admin.query(`alter database ${name} set default_tablespace = ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
        if (mountPoint) await client.query(`drop tablespace if exists ${name}`);
      } finally {
        await client.end();
      }
    },
  };
}
