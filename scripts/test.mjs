#!/usr/bin/env node
// Runs every test file under test/ with node's own runner, compiled first (scripts/test-build.mjs);
// LIFELINE_TEST_TSX=1 runs the TypeScript through tsx instead, as before.
// Node 20 does not expand globs itself, and `--test` with no files silently passes,
// so the files are listed here and an empty list is an error.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildForTests, compiledTest } from './test-build.mjs';

const root = new URL('..', import.meta.url).pathname;

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found.sort();
}

const filters = process.argv.slice(2);
const files = findTests(join(root, 'test')).filter(
  (file) => filters.length === 0 || filters.some((filter) => file.includes(filter)),
);
if (files.length === 0) {
  console.error(`No test files match ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
if (!process.env.LIFELINE_TEST_DATABASE_URL) {
  console.error(
    'LIFELINE_TEST_DATABASE_URL is not set: the PostgreSQL variants of the store tests will not run (CI always sets it).',
  );
}
// Four files at once on two cores: most of a file's time is spent waiting (child processes,
// remotes' fakes, timers), and four took 291 s where two took 396 s, every test passing.
const concurrency = process.env.TEST_CONCURRENCY ?? '4';
// A hung test must not burn CI's 90 minutes. On Node 20 the runner applies this bound to each
// test file as a whole (newer Nodes to each test), so it is sized for the longest file.
const timeout = process.env.TEST_TIMEOUT_MS ?? '600000';
const viaTsx = process.env.LIFELINE_TEST_TSX === '1';
if (!viaTsx) await buildForTests(root);
const result = spawnSync(
  process.execPath,
  [
    // Failures name the TypeScript line, not the compiled one (it cost no measurable time).
    ...(viaTsx ? ['--import', 'tsx'] : ['--enable-source-maps']),
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${timeout}`,
    ...(viaTsx ? files : files.map(compiledTest)),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
