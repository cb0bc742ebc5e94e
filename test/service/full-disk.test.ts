/**
 * A full disk is an outage, not a crash: the data directory (and, on PostgreSQL, the tablespace
 * of Lifeline's tables) on a real 8 MB tmpfs, filled to the last byte while the service runs. Writes answer 503 with Retry-After and a sentence, reads keep
 * working, /readyz says why it is not ready, the worker pauses and resumes by itself, and every
 * request that was accepted ends with its license once space is freed.
 *
 * Mounting a tmpfs needs root (CI and the development VMs run the suite as root); as any other
 * user this file has nothing it can fill safely and registers no test.
 *
 * The tmpfs must hold the migrated database and the WAL it needs to checkpoint with room to
 * spare: at 3 MB, once the schema grew, freeing the filler left too little for the WAL and
 * every write kept failing (a test artefact, not a loss: nothing accepted was dropped).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPostgresDatabase } from '../support/databases.js';
import { calendarDate } from '../../src/license/index.js';
import { fixtureDay, graceEndedOn, screenshotBody } from '../support/requests.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

const expiredOn = graceEndedOn;
const isRoot = process.getuid?.() === 0;

/** Writes a file until the file system refuses more (ENOSPC). */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // The last bytes a smaller write still fits in.
  try {
    for (;;) writeSync(fd, Buffer.alloc(512, 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * The database to fill: SQLite in the data directory, or a PostgreSQL database whose tables live
 * in a tablespace on the same tmpfs.
 */
function databaseOn(
  kind: 'sqlite' | 'postgres',
  mountPoint: string,
): Promise<{ url?: string; drop(): Promise<void> }> {
  if (kind === 'sqlite' || !adminUrl) return Promise.resolve({ drop: () => Promise.resolve() });
  return createPostgresDatabase(adminUrl, { tablespaceIn: mountPoint });
}

const adminUrl = process.env.LIFELINE_TEST_DATABASE_URL;
const kinds = isRoot ? (['sqlite', ...(adminUrl ? ['postgres' as const] : [])] as const) : [];

for (const kind of kinds) {
  describe(`a full disk (${kind})`, { timeout: 300_000 }, () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'lifeline-full-disk-'));
    const filler = join(mountPoint, 'filler');
    let offsetMs = 0;
    let lifeline: TestService;
    let database: { url?: string; drop(): Promise<void> } | undefined;
    const accepted: string[] = [];
    let customer = 0;
    const submit = () =>
      lifeline.api('/api/v1/requests', {
        body: screenshotBody(
          { expiredOn },
          { customerEmail: `c${++customer}@full${customer}.example` },
        ),
      });

    before(async () => {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0755', 'tmpfs', mountPoint]);
      database = await databaseOn(kind, mountPoint);
      lifeline = await startTestService(
        {
          LIFELINE_DATA_DIR: join(mountPoint, 'data'),
          // Leases outlast the clock's jump below, so no running step is taken over by it.
          LIFELINE_JOB_LEASE_MS: '120000',
          ...(database.url && { DATABASE_URL: database.url }),
        },
        {
          clock: {
            now: () => Date.now() + offsetMs,
            today: () => calendarDate(fixtureDay),
            moment: () => new Date(Date.now() + offsetMs),
          },
        },
      );
    });
    after(async () => {
      await lifeline?.stop();
      await database?.drop();
      execFileSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    });

    it('answers 503 with Retry-After for writes and keeps reads working while full', async () => {
      for (let i = 0; i < 3; i++) {
        const answer = await submit();
        assert.equal(answer.status, 202);
        accepted.push(answer.body.id);
      }
      await eventually(
        async () => {
          const { body } = await lifeline.api(`/api/v1/requests/${accepted[2]}`);
          return body.state === 'succeeded' ? true : undefined;
        },
        30_000,
        'the first requests to finish',
      );

      fill(filler);
      const refusals: Array<{ status: number; body: any; headers: Headers }> = [];
      for (let i = 0; i < 60 && refusals.length < 3; i++) {
        const answer = await submit();
        assert.ok(
          [202, 503].includes(answer.status),
          `${answer.status} ${JSON.stringify(answer.body)}`,
        );
        if (answer.status === 202) accepted.push(answer.body.id);
        else refusals.push(answer);
      }
      assert.ok(refusals.length > 0, 'a write was refused');
      for (const refusal of refusals) {
        assert.equal(refusal.body.error.code, 'STORAGE_UNAVAILABLE');
        assert.match(refusal.body.error.message, /disk is full|refuses writes/);
        assert.equal(refusal.headers.get('retry-after'), '30');
      }

      for (let i = 0; i < 20; i++) {
        const list = await lifeline.api('/api/v1/requests?limit=5');
        assert.equal(list.status, 200, JSON.stringify(list.body));
        const one = await lifeline.api(`/api/v1/requests/${accepted[0]}`);
        assert.equal(one.status, 200);
        assert.equal(one.body.state, 'succeeded');
      }

      const ready = await lifeline.api('/readyz', { token: null });
      assert.equal(ready.status, 503);
      assert.match(ready.body.error.message, /cannot write to its database right now/);
      const metrics = await fetch(`${lifeline.url}/metrics`).then((r) => r.text());
      assert.match(metrics, /^lifeline_storage_failing 1$/m);
    });

    it('recovers by itself once space is freed, and every accepted request gets its license', async () => {
      rmSync(filler);
      // A refused write keeps /readyz at "not ready" for 30 s: jump past it.
      offsetMs += 31_000;
      await eventually(
        async () => {
          const ready = await lifeline.api('/readyz', { token: null });
          return ready.status === 200 ? true : undefined;
        },
        20_000,
        'ready again',
      );
      const after = await submit();
      assert.equal(after.status, 202);
      accepted.push(after.body.id);

      // A step that failed while the disk was full may be in its backoff (a minute or so after
      // several attempts on a loaded machine): wait it out rather than count it lost.
      for (const id of accepted) {
        await eventually(
          async () => {
            const { body } = await lifeline.api(`/api/v1/requests/${id}`);
            return body.state === 'succeeded' && body.license ? true : undefined;
          },
          90_000,
          `request ${id} to succeed`,
        );
      }
      assert.equal(lifeline.service.worker?.paused, false);
      // One license each, however often a step was handed back.
      const licenses = await lifeline.service.store.db
        .selectFrom('licenses')
        .select('request_id')
        .execute();
      assert.equal(licenses.length, new Set(licenses.map((l) => l.request_id)).size);
      assert.ok(accepted.every((id) => licenses.some((l) => l.request_id === id)));
    });
  });
}
