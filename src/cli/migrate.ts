import type { Command } from 'commander';
import { openStore } from '../store/database.js';
import { migrateToLatest, SchemaError } from '../store/migrate.js';
import { configOrExit } from './config-or-exit.js';
import { fail, printJson, say } from './output.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'Apply pending database migrations (the service also does this at start unless LIFELINE_AUTO_MIGRATE=false).',
    )
    .option('--json', 'print {database, applied} as JSON')
    .action(async (options: { json?: boolean }) => {
      const config = configOrExit();
      const store = openStore(config.databaseUrl);
      try {
        const applied = await migrateToLatest(store);
        if (options.json) printJson({ database: store.description, applied });
        else
          say(
            applied.length > 0
              ? `Applied ${applied.join(', ')} to ${store.description}.`
              : `${store.description} is up to date.`,
          );
      } catch (error) {
        fail(
          error instanceof SchemaError || error instanceof Error ? error.message : String(error),
        );
      } finally {
        await store.close();
      }
    });
}
