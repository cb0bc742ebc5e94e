/**
 * A service that cannot listen (its port taken) fails with the listener's error and leaves
 * nothing of itself behind: its store, worker and scheduler were started before the listen, and
 * left open they went on claiming from a database nobody could reach any more.
 */
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { it } from 'node:test';
import { startTestService } from '../support/service.js';

/** The files this process holds open in services' data folders (SQLite's database and WAL). */
function openDataFiles(): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.includes('/lifeline-test-')) open.push(target);
    } catch {
      // closed while we looked (the listing's own descriptor)
    }
  }
  return open;
}

it('fails to start on a port already taken, and closes its database behind it', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const before = openDataFiles();
    await assert.rejects(
      startTestService({ LIFELINE_HOST: '127.0.0.1', LIFELINE_PORT: String(port) }),
      (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE',
    );
    assert.deepEqual(openDataFiles(), before);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});
