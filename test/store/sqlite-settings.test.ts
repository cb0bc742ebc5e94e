import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../src/store/database.js';

const dir = mkdtempSync(join(tmpdir(), 'lifeline-sqlite-'));
const store = openStore(`sqlite:${join(dir, 'settings.db')}`);
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

// A pragma answers with one row whose single column is not always named after
// the pragma (busy_timeout answers as `timeout`), so read the first column.
async function pragma(name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`pragma ${sql.raw(name)}`.execute(store.db);
  const row = rows[0];
  return row === undefined ? undefined : Object.values(row)[0];
}

describe('the SQLite connection', () => {
  it('writes ahead to a log, durable across a process crash', async () => {
    assert.equal(await pragma('journal_mode'), 'wal');
    assert.equal(await pragma('synchronous'), 1); // NORMAL
  });

  it('enforces foreign keys and waits for a lock instead of failing at once', async () => {
    assert.equal(await pragma('foreign_keys'), 1);
    assert.equal(await pragma('busy_timeout'), 5000);
  });

  it('keeps a 4 MB page cache, not the 16 MB better-sqlite3 builds in', async () => {
    assert.equal(await pragma('cache_size'), -4000);
  });
});
