import { Migrator, type MigrationResultSet } from 'kysely';
import { allMigrations } from './migrations/index.js';
import type { Store } from './database.js';

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

function migratorFor(store: Store): Migrator {
  const migrations = allMigrations(store.dialect);
  return new Migrator({
    db: store.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: 'lifeline_migrations',
    migrationLockTableName: 'lifeline_migrations_lock',
  });
}

/** Applies every pending migration. Safe to run from several processes at once (kysely locks). */
export async function migrateToLatest(store: Store): Promise<string[]> {
  await refuseNewerSchema(store);
  const result: MigrationResultSet = await migratorFor(store).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const reason =
      result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    // With no migration named, none started: the database could not be reached or locked.
    throw new SchemaError(
      failed
        ? `Migration ${failed.migrationName} failed on ${store.description}: ${reason}`
        : `Could not migrate ${store.description}: ${reason}`,
    );
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations the code has and the database has not applied yet. */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const migrations = await migratorFor(store).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * A database migrated by a newer Lifeline may hold data this version would misread:
 * refuse to start rather than corrupt it.
 */
export async function refuseNewerSchema(store: Store): Promise<void> {
  const known = new Set(Object.keys(allMigrations(store.dialect)));
  let applied: string[];
  try {
    const rows = await store.db
      .selectFrom('lifeline_migrations' as never)
      .select('name' as never)
      .execute();
    applied = rows.map((row) => (row as { name: string }).name);
  } catch {
    return; // a fresh database: no migration table yet
  }
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new SchemaError(
      `The database ${store.description} was migrated by a newer Lifeline (migrations ${unknown.join(', ')}); ` +
        'upgrade this installation before running it against that database.',
    );
  }
}
