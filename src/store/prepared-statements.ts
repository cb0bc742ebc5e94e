import type { PostgresPool, PostgresPoolClient } from 'kysely';

/**
 * On PostgreSQL the queries compiled once (compiled-once.ts) run as named prepared statements:
 * each connection has the server parse and plan one the first time it runs and only binds its
 * values after that. A request runs some seventy small statements, and parsing and planning each
 * anew was a good part of the server's work: with one API and one worker process the bench's
 * throughput rose from 37 to 45 requests/s on the 2-core VM (README, "PostgreSQL").
 *
 * Only queries with a fixed text are named (compiledOnce's, one per shape), so the statements a
 * connection keeps are bounded by the code, not by the data. A `select *` or `returning *` is not
 * named: PostgreSQL refuses to run a prepared statement whose result columns changed ("cached
 * plan must not change result type"), as they would for a service still running while a newer
 * version's migration adds a column.
 */
const names = new Map<string, string>();

const resultColumnsMayChange = /\bselect\s+(?:\*|"[^"]+"\.\*)|\breturning\s+\*/i;

/** Names `sqlText`'s statement for PostgreSQL, unless its result columns could change. */
export function prepareOnPostgres(sqlText: string): void {
  if (names.has(sqlText) || resultColumnsMayChange.test(sqlText)) return;
  names.set(sqlText, `lifeline_${names.size + 1}`);
}

/**
 * A pool whose clients run the named queries as prepared statements and every other query as
 * before. Behind PgBouncer in transaction mode before version 1.21, which cannot keep a
 * statement prepared on one server connection for the next, set
 * DATABASE_PREPARED_STATEMENTS=off.
 */
export function withPreparedStatements(pool: PostgresPool): PostgresPool {
  // kysely keeps one connection object per client, looked up by the client: each pg client
  // keeps the same wrapper.
  const wrapped = new WeakMap<PostgresPoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrapped.get(client);
      if (!wrapper) {
        wrapper = preparingClient(client);
        wrapped.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

function preparingClient(client: PostgresPoolClient): PostgresPoolClient {
  const query = ((text: unknown, values?: unknown) => {
    const name = typeof text === 'string' ? names.get(text) : undefined;
    if (name === undefined) return (client.query as (...args: unknown[]) => unknown)(text, values);
    return (client.query as (config: object) => unknown)({ name, text, values });
  }) as PostgresPoolClient['query'];
  return { query, release: (destroy?: boolean) => client.release(destroy) };
}
