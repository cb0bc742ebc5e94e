/**
 * The audit log proves it was not edited: `verify` (and `lifeline audit verify`, exit 1) names
 * the first entry that does not match after an entry is edited, deleted, reordered, or cut from
 * the end; appends from several connections at once never fork the chain. Both databases.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { recordAudit, verifyAuditLog } from '../../src/audit/audit-store.js';
import { openJobDatabase, type JobDatabase } from '../jobs/job-store.js';
import { runInProcess, type CliResult } from '../support/cli.js';
import { testDatabases } from '../support/databases.js';

const privateDataDir = mkdtempSync(join(tmpdir(), 'lifeline-audit-cli-'));
after(() => rmSync(privateDataDir, { recursive: true, force: true }));
const who = { actor: 'sam', role: 'engineer', address: '192.0.2.7' };
const at = Date.parse('2026-11-28T10:00:00Z');

function cli(args: string[], databaseUrl: string): Promise<CliResult> {
  return runInProcess(args, {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      // Never a shared folder such as /tmp: the CLI makes its data directory private.
      LIFELINE_DATA_DIR: databaseUrl.startsWith('sqlite:')
        ? dirname(databaseUrl.slice(7))
        : privateDataDir,
    },
  });
}

for (const database of testDatabases) {
  describe(`the audit log's hash chain (${database.name})`, { timeout: 240_000 }, () => {
    let jobs: JobDatabase;
    before(async () => {
      jobs = await openJobDatabase(database);
    });
    after(() => jobs.close());

    beforeEach(async () => {
      const db = jobs.store.db;
      await db.deleteFrom('audit_log').execute();
      await db
        .updateTable('audit_head')
        .set({ seq: 0, hash: '0'.repeat(64) })
        .execute();
      for (let i = 1; i <= 5; i += 1) {
        await recordAudit(
          db,
          who,
          {
            action: 'request.resent',
            target: `request ${i}`,
            details: { to: `it${i}@acme.example` },
          },
          at + i * 1000,
        );
      }
    });

    it('verifies an entry whose text held half a surrogate pair, as the database stored it', async () => {
      // A name from a claim or a token owner, not through the API's own refusal of such text.
      await recordAudit(
        jobs.store.db,
        { actor: 'mallory\ud800', role: 'engineer', address: '192.0.2.8' },
        { action: 'request.resent', target: 'request \udc00x', details: { to: 'x\ud800' } },
        at + 9_000,
      );
      const verification = await verifyAuditLog(jobs.store.db);
      assert.equal(verification.broken, undefined, JSON.stringify(verification.broken));
      assert.equal(verification.entries, 6);
    });

    it('verifies an untouched log, and the CLI exits 0', async () => {
      const result = await verifyAuditLog(jobs.store.db);
      assert.equal(result.broken, undefined);
      assert.equal(result.entries, 5);
      assert.equal(result.head.seq, 5);
      const run = await cli(['audit', 'verify'], jobs.url);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /intact: 5 entries/);
    });

    it('catches an edited entry', async () => {
      await jobs.store.db
        .updateTable('audit_log')
        .set({ details: JSON.stringify({ to: 'attacker@evil.example' }) })
        .where('seq', '=', 3)
        .execute();
      const result = await verifyAuditLog(jobs.store.db);
      assert.equal(result.broken?.seq, 3);
      assert.match(result.broken?.reason ?? '', /edited/);
      // What is still intact: the two entries before the edited one, not an empty log.
      assert.equal(result.entries, 2);
      assert.equal(result.head.seq, 2);
      assert.notEqual(result.head.hash, '0'.repeat(64));
      const run = await cli(['audit', 'verify'], jobs.url);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /audit entry 3 does not match/);
      const json = await cli(['audit', 'verify', '--json'], jobs.url);
      assert.equal(json.code, 1);
      assert.deepEqual(
        (({ entries, head, broken }) => [entries, head.seq, broken.seq])(JSON.parse(json.stdout)),
        [2, 2, 3],
      );
    });

    it('verifies the head a new service posts before any entry, entry 0 with a hash of zeros', async () => {
      await jobs.store.db.deleteFrom('audit_log').execute();
      await jobs.store.db
        .updateTable('audit_head')
        .set({ seq: 0, hash: '0'.repeat(64) })
        .execute();
      const run = await cli(['audit', 'verify', '--head', `0:${'0'.repeat(64)}`], jobs.url);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /intact: 0 entries/);
      const wrong = await cli(['audit', 'verify', '--head', `0:${'1'.repeat(64)}`], jobs.url);
      assert.equal(wrong.code, 1);
    });

    it('catches an edited actor even when its hash is recomputed, at the next entry', async () => {
      const { entryHash } = await import('../../src/audit/chain.js');
      const { auditEntryFromRow } = await import('../../src/audit/audit-store.js');
      const row = await jobs.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '=', 2)
        .executeTakeFirstOrThrow();
      const forged = { ...auditEntryFromRow(row), actor: 'someone-else' };
      await jobs.store.db
        .updateTable('audit_log')
        .set({ actor: 'someone-else', hash: entryHash(forged.prevHash, forged) })
        .where('seq', '=', 2)
        .execute();
      const result = await verifyAuditLog(jobs.store.db);
      assert.equal(result.broken?.seq, 3);
      assert.match(result.broken?.reason ?? '', /does not link to entry 2/);
    });

    it('catches a deleted entry', async () => {
      await jobs.store.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
      const result = await verifyAuditLog(jobs.store.db);
      assert.equal(result.broken?.seq, 4);
      assert.match(result.broken?.reason ?? '', /entries 3…3 are missing/);
      const run = await cli(['audit', 'verify'], jobs.url);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /audit entry 4 does not match/);
    });

    it('catches two entries swapped', async () => {
      const db = jobs.store.db;
      await db.updateTable('audit_log').set({ seq: -1 }).where('seq', '=', 2).execute();
      await db.updateTable('audit_log').set({ seq: 2 }).where('seq', '=', 3).execute();
      await db.updateTable('audit_log').set({ seq: 3 }).where('seq', '=', -1).execute();
      const result = await verifyAuditLog(db);
      assert.equal(result.broken?.seq, 2);
      const run = await cli(['audit', 'verify'], jobs.url);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /audit entry 2 does not match/);
    });

    it('catches the last entries cut off', async () => {
      await jobs.store.db.deleteFrom('audit_log').where('seq', '>=', 4).execute();
      const result = await verifyAuditLog(jobs.store.db);
      assert.equal(result.broken?.seq, 4);
      assert.match(result.broken?.reason ?? '', /the head names entry 5, the log ends at entry 3/);
    });

    it('never forks the chain under appends from several connections at once', async () => {
      // On PostgreSQL, three pools racing for the head row; SQLite connections in one process
      // would block each other's event loop, so there the appends share one connection (and
      // processes are serialised by SQLite's write lock, tested in test/scale).
      const others =
        database.name === 'postgres' ? [jobs.open(), jobs.open(), jobs.open()] : [jobs.store];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          recordAudit(
            (others[i % others.length] ?? jobs.store).db,
            who,
            { action: 'license.downloaded', target: `request ${i}` },
            at + 10_000 + i,
          ),
        ),
      );
      const result = await verifyAuditLog(jobs.store.db);
      assert.equal(result.broken, undefined);
      assert.equal(result.entries, 35);
      const seqs = await jobs.store.db
        .selectFrom('audit_log')
        .select('seq')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        seqs.map((r) => Number(r.seq)),
        Array.from({ length: 35 }, (_, i) => i + 1),
      );
    });

    it('exports entries since a date as JSON lines', async () => {
      const run = await cli(['audit', 'export', '--since', '2026-11-28T10:00:03Z'], jobs.url);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { seq: number; hash: string });
      assert.deepEqual(
        lines.map((l) => l.seq),
        [3, 4, 5],
      );
      assert.match(lines[0]?.hash ?? '', /^[0-9a-f]{64}$/);
    });
  });
}

describe('a command that reads the records, run where there is no database', () => {
  it('refuses, naming the file, instead of making an empty one that looks intact', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lifeline-no-db-'));
    after(() => rmSync(folder, { recursive: true, force: true }));
    const missing = join(folder, 'data', 'lifeline.db');
    for (const args of [
      ['audit', 'verify'],
      ['audit', 'export'],
      ['handoff'],
      ['tokens', 'list'],
    ]) {
      const run = await runInProcess(args, {
        env: { ...process.env, DATABASE_URL: `sqlite:${missing}`, LIFELINE_DATA_DIR: folder },
      });
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.match(
        run.stderr,
        new RegExp(`there is no database at ${missing}: this command reads`),
      );
      assert.equal(existsSync(missing), false, `${args.join(' ')} made the database`);
    }
  });
});
