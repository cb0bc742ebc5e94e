import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SERVICE_NODE_FLAGS } from '../../src/service/node-flags.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const flags = SERVICE_NODE_FLAGS.join(' ');

// Every way of starting the service must size the heap the same way, or the memory figures
// of the benchmark (which spawns node with SERVICE_NODE_FLAGS) would not describe production.
describe('the heap flags of the service', () => {
  it('are passed by npm start', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts
      .start;
    assert.match(start, new RegExp(`^node ${flags} `));
  });

  it('are passed by bin/lifeline', () => {
    assert.equal(read('bin/lifeline').split('\n')[0], `#!/usr/bin/env -S node ${flags}`);
  });

  it('are passed by the container image', () => {
    const quoted = SERVICE_NODE_FLAGS.map((flag) => `"${flag}"`).join(', ');
    assert.ok(read('deploy/Dockerfile').includes(`ENTRYPOINT ["node", ${quoted}, "dist/main.js"]`));
  });

  for (const unit of ['deploy/lifeline.service', 'deploy/lifeline-worker@.service']) {
    it(`are passed by ${unit}`, () => {
      assert.match(read(unit), new RegExp(`^ExecStart=/usr/bin/node ${flags} `, 'm'));
    });
  }

  it('leave the old generation room for eight times the live set measured under load', () => {
    const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(flags)?.[1]);
    assert.ok(oldSpace >= 8 * 30, `old space ${oldSpace} MB`);
  });
});
