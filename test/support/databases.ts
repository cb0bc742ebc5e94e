/**
 * The databases the store and pipeline tests run on: SQLite always; PostgreSQL whenever
 * LIFELINE_TEST_DATABASE_URL names a server (CI always sets it). Each PostgreSQL test gets a
 * database of its own, created from that URL and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
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

export async function createPostgresDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lifeline_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
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
      } finally {
        await client.end();
      }
    },
  };
}
