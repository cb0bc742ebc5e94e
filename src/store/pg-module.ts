import { createRequire } from 'node:module';
import type pg from 'pg';

let loaded: typeof pg | undefined;

/**
 * The `pg` driver, loaded on first use: a service on the embedded SQLite default never pays
 * for it (about 3 MB of heap). It is CommonJS, so `require` loads it synchronously and
 * `openStore` can stay synchronous.
 */
export function pgModule(): typeof pg {
  if (!loaded) {
    loaded = createRequire(import.meta.url)('pg') as typeof pg;
    // PostgreSQL returns bigint (int8) as strings; our bigints are epoch milliseconds, safely numbers.
    loaded.types.setTypeParser(20, Number);
  }
  return loaded;
}
