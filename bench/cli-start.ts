/**
 * How fast `lifeline` starts from a checkout next to a bare node start, measured in the same
 * run, interleaved so a change of load touches both: the medians of `node bin/lifeline
 * --version` and of `node -e 0`, after one call that makes sure the build is fresh.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './request-settled.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function timeMs(args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore', env: process.env });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function benchCliStart(options: { runs?: number } = {}): {
  cliVersionMs: number;
  nodeStartMs: number;
} {
  const runs = options.runs ?? 15;
  const lifeline = [join(root, 'bin', 'lifeline'), '--version'];
  timeMs(lifeline);
  const cli: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    node.push(timeMs(['-e', '0']));
    cli.push(timeMs(lifeline));
  }
  return {
    cliVersionMs: Math.round(median(cli) * 10) / 10,
    nodeStartMs: Math.round(median(node) * 10) / 10,
  };
}
