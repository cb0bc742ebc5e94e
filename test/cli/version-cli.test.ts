import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };

describe('lifeline --version', () => {
  it('prints the version of package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const { stdout } = await promisify(execFile)(process.execPath, ['bin/lifeline', flag], {
        cwd: root,
      });
      assert.equal(stdout.trim(), version);
    }
  });
});
