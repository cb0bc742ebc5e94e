import { openStore, type Store } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { ensurePrivateDirectory } from '../store/private-files.js';
import { configOrExit } from './config-or-exit.js';
import { CliExit } from './io.js';
import { fail } from './output.js';

/** Runs `work` against the configured database (migrated), closing it afterwards. */
export async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const config = configOrExit();
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
