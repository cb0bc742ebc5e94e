/**
 * `npm start` (`lifeline serve`) says in one human line where it listens, where mail goes and
 * what to do next: make the first credential on a fresh install, sign in once one exists.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { runLifeline } from '../scale/cluster.js';
import { spawnLifeline } from '../support/process.js';
import { testSigningKeyFile } from '../support/service.js';

const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-serve-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const env = {
  LIFELINE_DATA_DIR: dataDir,
  LIFELINE_PORT: '0',
  LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
};

async function startLine(): Promise<string> {
  const serve = spawnLifeline(['serve'], env);
  try {
    const url = await serve.url;
    const line = serve
      .stderr()
      .split('\n')
      .find((text) => text.includes('listening on'));
    assert.ok(line, serve.stderr());
    assert.ok(line.includes(url));
    return line;
  } finally {
    await serve.kill('SIGTERM');
  }
}

it('tells a fresh install where mail goes and how to make the first token, then to sign in', async () => {
  const fresh = await startLine();
  assert.match(fresh, /console at http:\/\/127\.0\.0\.1:\d+\//);
  assert.ok(fresh.includes(`mail goes to outbox ${join(dataDir, 'outbox')}`), fresh);
  assert.match(fresh, /Next: make the first credential: \.\/bin\/lifeline tokens create --name/);

  const created = await runLifeline(
    ['tokens', 'create', '--name', 'first', '--owner', 'ada', '--role', 'engineer'],
    env,
  );
  assert.equal(created.code, 0, created.stderr);
  const later = await startLine();
  assert.match(later, /Next: sign in to the console at http:\/\/127\.0\.0\.1:\d+\/$/);
});
