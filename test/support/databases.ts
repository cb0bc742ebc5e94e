/**
 * The databases the store and pipeline tests run on: SQLite always; PostgreSQL whenever
 * LIFELINE_TEST_DATABASE_URL names a server (CI always sets it). Each PostgreSQL test gets a
 * database of its own, created from that URL and dropped afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** Creates a fresh database and returns its URL (undefined: SQLite in the data dir). */
  create(): Promise<{ url?: string; drop(): Promise<void> }>;
}

const postgresUrl = process.env.LIFELINE_TEST_DATABASE_URL;

export const testDatabases: TestDatabase[] = [
  { name: 'sqlite', create: () => Promise.resolve({ drop: () => Promise.resolve() }) },
  ...(postgresUrl
    ? [{ name: 'postgres' as const, create: () => createPostgresDatabase(postgresUrl) }]
    : []),
];

/**
 * A fresh PostgreSQL database. With `tablespaceIn`, its tables default to a tablespace in that
 * folder (a small tmpfs the full-disk test and the chaos run fill; the server runs on this
 * machine as the postgres user), while the catalogs stay on the server's own disk.
 */
export async function createPostgresDatabase(
  adminUrl: string,
  options: { tablespaceIn?: string } = {},
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lifeline_test_${randomBytes(6).toString('hex')}`;
  const folder = options.tablespaceIn;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (folder) {
      const location = join(folder, 'pg');
      mkdirSync(location, { mode: 0o700 });
      execFileSync('chown', ['postgres:postgres', location]);
      await admin.query(`create tablespace ${name} location '${location}'`);
    }
    await admin.query(`create database ${name}`);
    if (folder) await admin.query(`alter database ${name} set default_tablespace = ${name}`);
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
        if (folder) await client.query(`drop tablespace if exists ${name}`);
      } finally {
        await client.end();
      }
    },
  };
}
