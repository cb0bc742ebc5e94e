import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const signingKey = join(root, 'test/fixtures/gitlab-license/test_license_key.pem');
const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-packages-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function packagesLoaded(env: Record<string, string>): Promise<Record<string, boolean>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'test/support/packages-loaded-by-service.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        LIFELINE_DATA_DIR: dataDir,
        LIFELINE_PORT: '0',
        LIFELINE_LOG_LEVEL: 'silent',
        LIFELINE_SIGNING_KEY_FILE: signingKey,
        ...env,
      },
    },
  );
  return JSON.parse(stdout) as Record<string, boolean>;
}

// Each package costs resident memory (README, "Memory"): the embedded default loads neither.
describe('optional integration packages', () => {
  it('are not loaded on the embedded default', async () => {
    assert.deepEqual(await packagesLoaded({}), { pg: false, '@slack/web-api': false });
  });

  it('are loaded once their integration is configured', async () => {
    assert.deepEqual(
      await packagesLoaded({
        SLACK_BOT_TOKEN: 'xoxb-not-a-real-token',
        SLACK_CHANNEL: '#licensing',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
      }),
      { pg: false, '@slack/web-api': true },
    );
  });
});
