/**
 * The databases the store and pipeline tests run on: SQLite always; PostgreSQL whenever
 * LIFELINE_TEST_DATABASE_URL names a server (CI always sets it). Each PostgreSQL test gets a
 * database of its own, created from that URL and dropped afterwards.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /**
   * Creates a fresh database and returns its URL (undefined: SQLite in the data dir). With
   * `migrated`, a PostgreSQL database comes with every migration applied already (a copy of a
   * template migrated once): for tests that would migrate it first anyway.
   */
  create(options?: { migrated?: boolean }): Promise<{ url?: string; drop(): Promise<void> }>;
}

const postgresUrl = process.env.LIFELINE_TEST_DATABASE_URL;

export const testDatabases: TestDatabase[] = [
  { name: 'sqlite', create: () => Promise.resolve({ drop: () => Promise.resolve() }) },
  ...(postgresUrl
    ? [
        {
          name: 'postgres' as const,
          create: (options: { migrated?: boolean } = {}) =>
            createPostgresDatabase(postgresUrl, options),
        },
      ]
    : []),
];

/**
 * A fresh PostgreSQL database. With `tablespaceIn`, its tables default to a tablespace in that
 * folder (a small tmpfs the full-disk test and the chaos run fill; the server runs on this
 * machine as the postgres user), while the catalogs stay on the server's own disk.
 */
export async function createPostgresDatabase(
  adminUrl: string,
  options: { tablespaceIn?: string; migrated?: boolean } = {},
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lifeline_test_${randomBytes(6).toString('hex')}`;
  const folder = options.tablespaceIn;
  // Tables in a tablespace of their own are made by migrating there, never copied from elsewhere.
  const template = options.migrated && !folder ? await migratedTemplate(adminUrl) : undefined;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (folder) {
      const location = join(folder, 'pg');
      mkdirSync(location, { mode: 0o700 });
      execFileSync('chown', ['postgres:postgres', location]);
      await admin.query(`create tablespace ${name} location '${location}'`);
    }
    if (template)
      await whileInUse(() => admin.query(`create database ${name} template ${template}`));
    else await admin.query(`create database ${name}`);
    if (folder) await admin.query(`alter database ${name} set default_tablespace = ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  return {
    url,
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

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const migrationsFolder = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
let template: Promise<string> | undefined;

/**
 * A database with every migration applied, made once per set of migrations and shared by every
 * test process: copying it (`create database … template`) takes a fraction of the ~2 s that
 * migrating a fresh database takes on a busy machine. Its name carries a hash of the migration
 * sources, so a changed or added migration makes a new one; the first process to need it builds
 * it under an advisory lock, under a temporary name renamed when complete.
 */
function migratedTemplate(adminUrl: string): Promise<string> {
  template ??= buildTemplate(adminUrl);
  return template;
}

async function buildTemplate(adminUrl: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder).sort()) {
    hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  }
  hash.update(readFileSync(new URL('../../src/store/dialect.ts', import.meta.url)));
  const name = `lifeline_template_${hash.digest('hex').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Any number: the one lock every test process building this template takes.
    await admin.query('select pg_advisory_lock(7300411)');
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      const building = `${name}_${randomBytes(4).toString('hex')}`;
      await admin.query(`create database ${building}`);
      const store = openStore(databaseUrl(adminUrl, building));
      try {
        await migrateToLatest(store);
      } finally {
        await store.close();
      }
      await whileInUse(() => admin.query(`alter database ${building} rename to ${name}`));
      await dropOlderTemplates(admin, name);
    }
  } finally {
    await admin.end();
  }
  return name;
}

/**
 * Drops the templates of earlier sets of migrations (and any a killed run left half built), so
 * the server does not keep one per change of `src/store/migrations`. One still in use (another
 * checkout's run copying from it) is left for a later run to drop.
 */
async function dropOlderTemplates(admin: pg.Client, current: string): Promise<void> {
  const older = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like 'lifeline\\_template\\_%' and datname <> $1",
    [current],
  );
  for (const { datname } of older.rows) {
    if (!/^lifeline_template_[0-9a-f_]+$/.test(datname)) continue;
    await admin.query(`drop database if exists ${datname}`).catch(() => undefined);
  }
}

/**
 * Runs a statement PostgreSQL refuses while another session is connected to the database it
 * names (55006), again until it is not: a pool just closed may take a moment to disconnect.
 */
async function whileInUse<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
