/**
 * The machine's raw speed at what the embedded default spends its time on besides RSA: small
 * SQLite write transactions in WAL mode, each a few page writes and file locks, that is system
 * calls. A request takes about thirty of them, and what a system call costs differs between
 * virtual machines far more than what an RSA signature costs (we saw two 2-core VMs with the
 * same RSA rate finish 121 and 82 requests/s with the same code). Reported beside the RSA rate
 * so an end-to-end figure can be read against both.
 *
 * Rates are per second of this process's CPU time (user + system), as in bench/license.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

export interface SqliteCommitBenchResult {
  /** One-row INSERT transactions committed per CPU second, WAL, synchronous=NORMAL. */
  sqliteRawCommitsPerSec: number;
}

export function benchSqliteCommits(options: { seconds?: number } = {}): SqliteCommitBenchResult {
  const seconds = options.seconds ?? 2;
  if (!(seconds > 0)) throw new RangeError('seconds must be positive');
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-sqlite-'));
  const sqlite = new SqliteDatabase(join(dir, 'commits.db'));
  try {
    // The service's own settings (src/store/database.ts).
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('cache_size = -4000');
    sqlite.exec(
      'create table events (id integer primary key, at integer not null, message text not null)',
    );
    sqlite.exec('create index events_at on events (at)');
    const insert = sqlite.prepare('insert into events (at, message) values (?, ?)');
    const commitOne = sqlite.transaction((at: number) => insert.run(at, 'x'.repeat(200)));

    for (let i = 0; i < 200; i += 1) commitOne(i); // warm up
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(seconds * 1e9));
    let commits = 0;
    while (process.hrtime.bigint() - start < budget) {
      commitOne(commits);
      commits += 1;
    }
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMicros = cpu.user + cpu.system;
    return {
      sqliteRawCommitsPerSec: cpuMicros === 0 ? 0 : Math.round((commits * 1e7) / cpuMicros) / 10,
    };
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
