import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type pg from 'pg';
import type { StoreDialect } from './dialect.js';
import { pgModule } from './pg-module.js';
import { withPreparedStatements } from './prepared-statements.js';
import { ensurePrivateDatabaseFiles } from './private-files.js';
import type { Database } from './schema.js';

export interface Store {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** Where the data lives, with any password removed: safe to log. */
  description: string;
  /**
   * PostgreSQL only: a new connection outside the pool, for LISTEN, which keeps its connection
   * for as long as it listens. The caller connects and ends it.
   */
  connectDirect?: () => pg.Client;
  close(): Promise<void>;
}

export interface PostgresPoolSettings {
  /** Connections per process (default 10). */
  max?: number;
  /** Milliseconds an idle connection is kept (default 30 000). */
  idleTimeoutMillis?: number;
  /** Milliseconds to wait for a connection before failing (default 10 000). */
  connectionTimeoutMillis?: number;
  /** Run the fixed queries as prepared statements (default true; see prepared-statements.ts). */
  preparedStatements?: boolean;
}

/** The file a SQLite database URL names; undefined for PostgreSQL and an in-memory database. */
export function sqliteFileOf(databaseUrl: string): string | undefined {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return undefined;
  const path = databaseUrl.replace(/^(sqlite|file):(\/\/)?/, '');
  return path === ':memory:' ? undefined : path;
}

/**
 * Opens the store named by a database URL: `postgres://…` / `postgresql://…`, or
 * `sqlite:PATH` / `file:PATH` / a plain path for SQLite.
 */
export function openStore(databaseUrl: string, pool: PostgresPoolSettings = {}): Store {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const pg = pgModule();
    const pgPool = new pg.Pool({
      connectionString: databaseUrl,
      max: pool.max ?? 10,
      idleTimeoutMillis: pool.idleTimeoutMillis ?? 30_000,
      connectionTimeoutMillis: pool.connectionTimeoutMillis ?? 10_000,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pgPool.on('error', () => undefined);
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: (pool.preparedStatements ?? true) ? withPreparedStatements(pgPool) : pgPool,
      }),
    });
    return {
      db,
      dialect: 'postgres',
      description: redactUrl(databaseUrl),
      connectDirect: () =>
        new pg.Client({
          connectionString: databaseUrl,
          keepAlive: true,
          application_name: 'lifeline-listener',
        }),
      close: () => db.destroy(),
    };
  }
  const path = databaseUrl.replace(/^(sqlite|file):(\/\/)?/, '');
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    ensurePrivateDatabaseFiles(path);
  }
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commit).
  sqlite.pragma('synchronous = NORMAL');
  // The WAL is checkpointed every 1,000 pages (SQLite's default). Every 10,000 made a batch 5 %
  // faster (fewer fsyncs) but each checkpoint ten times as long: a request at 10/s then waited
  // up to 76 ms behind one (p99), against 45 ms with the default.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // better-sqlite3 builds SQLite with a 16 MB page cache, which fills as the database grows and
  // stayed resident: 4 MB holds the hot pages (job queue, recent requests, indexes) and the
  // kernel's file cache serves the rest; the peak RSS under load fell by 12 MB with no loss of
  // throughput (README, "Memory").
  sqlite.pragma('cache_size = -4000');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return { db, dialect: 'sqlite', description: `SQLite ${path}`, close: () => db.destroy() };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * better-sqlite3 compiles a statement on every `prepare`, and kysely prepares each query anew:
 * compiling took about a tenth of the service's CPU under load. The same SQL text gets the same
 * compiled statement (they are reusable; kysely never iterates two at once on one connection).
 *
 * It also makes every transaction `BEGIN IMMEDIATE`. kysely opens them with a plain (deferred)
 * `BEGIN`, which takes the write lock only at the first write: if another process (a
 * `lifeline worker` beside `serve --no-worker`, the CLI making a token) wrote in between,
 * SQLite fails the transaction at once with SQLITE_BUSY_SNAPSHOT, without waiting, and we saw
 * hundreds of those (answered 500) in a minute with two processes. An immediate transaction
 * takes the lock first, so the busy timeout applies and it waits its turn.
 *
 * And a ROLLBACK after SQLite already rolled back by itself becomes a no-op (see `prepare`).
 */
function withStatementCache(sqlite: SqliteDatabase.Database, capacity = 500): SqliteDatabaseLike {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(query: string) {
      // SQLite rolls a transaction back by itself when a write fails for space or I/O
      // (SQLITE_FULL, SQLITE_IOERR): kysely's own ROLLBACK would then fail with "no
      // transaction is active" and hide the error that says the disk is full.
      const text =
        query === 'begin'
          ? 'begin immediate'
          : query === 'rollback' && !sqlite.inTransaction
            ? 'select 1'
            : query;
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text);
      } else {
        statement = sqlite.prepare(text);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

type SqliteDatabaseLike = ConstructorParameters<typeof SqliteDialect>[0]['database'] & object;
