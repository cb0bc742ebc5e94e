/**
 * The data directory is 0700 and the database files 0600 whoever starts the service: here with
 * a umask of 000, which would otherwise leave them world-readable, and over a directory and a
 * database someone made 0755 and 0644 before.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensurePrivateDirectory } from '../../src/store/private-files.js';
import { startTestService } from '../support/service.js';
import { fixtureClock, graceEndedOn, screenshotBody } from '../support/requests.js';
import { eventually } from '../support/service.js';

const mode = (path: string) => statSync(path).mode & 0o777;
const expiredOn = graceEndedOn;

describe('private files', () => {
  const root = mkdtempSync(join(tmpdir(), 'lifeline-modes-'));
  const previous = process.umask(0o000);
  after(() => {
    process.umask(previous);
    rmSync(root, { recursive: true, force: true });
  });

  it('makes a new data directory 0700 and its database, WAL and emails 0600 under umask 000', async () => {
    const dataDir = join(root, 'new', 'data');
    const lifeline = await startTestService(
      { LIFELINE_DATA_DIR: dataDir },
      { clock: fixtureClock() },
    );
    try {
      const answer = await lifeline.api('/api/v1/requests', {
        body: screenshotBody({ expiredOn }, { customerEmail: 'modes@modes.example' }),
      });
      assert.equal(answer.status, 202);
      await eventually(
        () =>
          Promise.resolve(
            existsSync(join(dataDir, 'outbox')) &&
              readdirSync(join(dataDir, 'outbox')).some((f) => f.endsWith('.eml'))
              ? true
              : undefined,
          ),
        20_000,
        'the email in the outbox',
      );
      assert.equal(mode(dataDir), 0o700);
      for (const file of ['lifeline.db', 'lifeline.db-wal', 'lifeline.db-shm']) {
        assert.equal(mode(join(dataDir, file)), 0o600, file);
      }
      for (const file of readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'))) {
        assert.equal(mode(join(dataDir, 'outbox', file)), 0o600, file);
      }
    } finally {
      await lifeline.stop();
    }
  });

  it('narrows a data directory and database made 0755 and 0644 before', async () => {
    const dataDir = join(root, 'old');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'lifeline.db'), '');
    chmodSync(join(dataDir, 'lifeline.db'), 0o644);
    const lifeline = await startTestService({ LIFELINE_DATA_DIR: dataDir });
    try {
      assert.equal(mode(dataDir), 0o700);
      assert.equal(mode(join(dataDir, 'lifeline.db')), 0o600);
    } finally {
      await lifeline.stop();
    }
  });

  it('leaves a shared sticky folder such as /tmp as it is', () => {
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    ensurePrivateDirectory(shared);
    assert.equal(statSync(shared).mode & 0o1777, 0o1777);
    ensurePrivateDirectory(join(shared, 'data'));
    assert.equal(mode(join(shared, 'data')), 0o700);
  });
});
