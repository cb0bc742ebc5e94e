import { existsSync } from 'node:fs';
import { openStore, sqliteFileOf, type Store } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { ensurePrivateDirectory } from '../store/private-files.js';
import { configOrExit } from './config-or-exit.js';
import { CliExit } from './io.js';
import { fail } from './output.js';

/**
 * Runs `work` against the configured database (migrated), closing it afterwards. `existing`:
 * the command reads what the service recorded, so a SQLite file that is not there is refused
 * rather than made: run from another folder, the CLI finds another ./data, and an empty new
 * database would answer "intact, 0 entries" or "no requests" as if all were well.
 */
export async function withStore<T>(
  work: (store: Store) => Promise<T>,
  options: { existing?: boolean } = {},
): Promise<T> {
  const config = configOrExit();
  const file = sqliteFileOf(config.databaseUrl);
  if (options.existing && file !== undefined && !existsSync(file))
    fail(
      `there is no database at ${file}: this command reads the service's records. Run it from the folder the service runs in, or set DATABASE_URL (or LIFELINE_DATA_DIR) as the service has them.`,
    );
  ensurePrivateDirectory(config.dataDir);
  const store = openStore(config.databaseUrl, {
    preparedStatements: config.values.DATABASE_PREPARED_STATEMENTS,
  });
  try {
    await migrateToLatest(store);
    return await work(store);
  } catch (error) {
    // A command that ended itself (in-process, `fail` throws) keeps its own exit code and line.
    if (error instanceof CliExit) throw error;
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    await store.close();
  }
}
