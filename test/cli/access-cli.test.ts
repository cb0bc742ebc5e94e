/**
 * `lifeline tokens|users|sessions …` on the database directly: tokens by unique name (create
 * refuses an empty or taken name; revoke takes an id or a unique name), the four roles, users
 * changed and disabled, every change in the audit log. And the migration that makes the names
 * of an older database unique, so no name is ever ambiguous.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Migrator } from 'kysely';
import { revokeApiToken } from '../../src/access/api-tokens.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { allMigrations } from '../../src/store/migrations/index.js';
import { runInProcess, type CliResult } from '../support/cli.js';

function lifeline(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return runInProcess(args, {
    env: { ...process.env, LIFELINE_LOG_LEVEL: 'warn', ...env },
    ...(stdin !== undefined && { stdin }),
  });
}

describe('lifeline tokens, users, sessions', { timeout: 240_000 }, () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'lifeline-access-cli-'));
    env = { LIFELINE_DATA_DIR: dataDir };
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates tokens by unique, non-empty name, with an owner, a role and an expiry', async () => {
    const made = await lifeline(
      [
        'tokens',
        'create',
        '--name',
        'zendesk-bridge',
        '--owner',
        'sam',
        '--role',
        'service',
        '--expires-in-days',
        '30',
        '--json',
      ],
      env,
    );
    assert.equal(made.code, 0, made.stderr);
    const token = JSON.parse(made.stdout) as {
      name: string;
      owner: string;
      role: string;
      expiresAt: string;
      token: string;
    };
    assert.equal(token.owner, 'sam');
    assert.equal(token.role, 'service');
    assert.ok(Date.parse(token.expiresAt) > Date.now() + 29 * 86_400_000);

    // Said in words: which database the token went into (another folder finds another one).
    const said = await lifeline(['tokens', 'create', '--name', 'night-desk'], env);
    assert.equal(said.code, 0, said.stderr);
    assert.ok(
      said.stderr.includes(`in SQLite ${join(dataDir, 'lifeline.db')}`),
      `names the database: ${said.stderr}`,
    );

    const again = await lifeline(['tokens', 'create', '--name', 'zendesk-bridge'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /A token named "zendesk-bridge" already exists/);
    const empty = await lifeline(['tokens', 'create', '--name', ''], env);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /A token needs a name/);
    const badRole = await lifeline(['tokens', 'create', '--name', 'x', '--role', 'root'], env);
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /--role must be one of engineer, approver, admin, service/);
  });

  it('revokes by unique name or by id, and says so when nothing matches', async () => {
    await lifeline(['tokens', 'create', '--name', 'laptop'], env);
    const byName = await lifeline(['tokens', 'revoke', 'laptop'], env);
    assert.equal(byName.code, 0, byName.stderr);
    assert.match(byName.stderr, /Revoked token laptop/);
    const twice = await lifeline(['tokens', 'revoke', 'laptop'], env);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /No active token with id or name "laptop"/);

    const list = await lifeline(['tokens', 'list', '--json'], env);
    const bridge = (
      JSON.parse(list.stdout) as Array<{ id: string; name: string; revokedAt: string | null }>
    ).find((t) => t.name === 'zendesk-bridge');
    const byId = await lifeline(['tokens', 'revoke', bridge?.id ?? ''], env);
    assert.equal(byId.code, 0, byId.stderr);
  });

  it('creates, changes and disables console users', async () => {
    const weak = await lifeline(
      ['users', 'create', '--username', 'robin', '--password-stdin'],
      env,
      'short\n',
    );
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /at least 10 characters/);
    const made = await lifeline(
      ['users', 'create', '--username', 'robin', '--role', 'approver', '--password-stdin'],
      env,
      'a long enough passphrase\n',
    );
    assert.equal(made.code, 0, made.stderr);
    const twice = await lifeline(
      ['users', 'create', '--username', 'robin', '--password-stdin'],
      env,
      'another long passphrase\n',
    );
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already exists/);
    const changed = await lifeline(['users', 'update', 'robin', '--role', 'engineer'], env);
    assert.equal(changed.code, 0, changed.stderr);
    const disabled = await lifeline(['users', 'disable', 'robin'], env);
    assert.equal(disabled.code, 0, disabled.stderr);
    const list = await lifeline(['users', 'list', '--json'], env);
    const robin = (
      JSON.parse(list.stdout) as Array<{
        username: string;
        role: string;
        disabledAt: string | null;
      }>
    )[0];
    assert.equal(robin?.role, 'engineer');
    assert.ok(robin?.disabledAt);
    const sessions = await lifeline(['sessions', 'list', '--json'], env);
    assert.deepEqual(JSON.parse(sessions.stdout), []);
    const none = await lifeline(['sessions', 'revoke', randomUUID()], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No session/);
  });

  it('records each change in the audit log, as the operator at the database', async () => {
    const exported = await lifeline(['audit', 'export'], env);
    assert.equal(exported.code, 0, exported.stderr);
    const entries = exported.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { action: string; actor: string; role: string; address: string },
      );
    assert.deepEqual(
      entries.map((e) => e.action),
      [
        'token.created',
        'token.created',
        'token.created',
        'token.revoked',
        'token.revoked',
        'user.created',
        'user.changed',
        'user.disabled',
      ],
    );
    assert.ok(
      entries.every(
        (e) => e.role === 'operator' && e.address === 'local' && e.actor.endsWith('(CLI)'),
      ),
    );
    const verify = await lifeline(['audit', 'verify'], env);
    assert.equal(verify.code, 0, verify.stderr);
  });
});

describe('migration 0003 on a database with empty and duplicate token names', () => {
  it('makes every name unique (the oldest keeps it) and keeps every token working', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lifeline-migrate-names-'));
    const store = openStore(`sqlite:${join(directory, 'old.db')}`);
    try {
      const migrations = allMigrations(store.dialect);
      const migrator = new Migrator({
        db: store.db,
        provider: { getMigrations: () => Promise.resolve(migrations) },
        migrationTableName: 'lifeline_migrations',
        migrationLockTableName: 'lifeline_migrations_lock',
      });
      await migrator.migrateTo('0001-initial');
      const old = (id: string, name: string, createdAt: number) => ({
        id,
        name,
        role: 'engineer',
        token_hash: `hash-${id}`,
        created_at: createdAt,
        last_used_at: null,
        revoked_at: null,
      });
      await store.db
        .insertInto('api_tokens' as never)
        .values([
          old('aaaaaaaa-1', 'me', 1),
          old('bbbbbbbb-2', 'me', 2),
          old('cccccccc-3', '', 3),
        ] as never)
        .execute();
      await migrateToLatest(store);
      const rows = await store.db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'owner'])
        .orderBy('created_at')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.name, r.owner]),
        [
          ['me', 'me'],
          ['me (bbbbbbbb)', 'me (bbbbbbbb)'],
          ['token-cccccccc', 'token-cccccccc'],
        ],
      );
      const revoked = await revokeApiToken(store.db, 'me', 10);
      assert.equal(revoked.id, 'aaaaaaaa-1', 'the name now names one token');
    } finally {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
