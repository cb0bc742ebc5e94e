/**
 * Runs `lifeline` as a real child process (one process, no wrapper, so a SIGKILL hits the
 * service itself), for the crash and multi-process tests: bin/lifeline, which runs its compiled
 * build of src/ (rebuilt when a source changed), so a start costs no TypeScript compile (tsx
 * compiling the service took seconds of each start on a busy machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '../../src/service/node-flags.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface LifelineProcess {
  child: ChildProcess;
  /** The API's address, once it listens (api role only). */
  url: Promise<string>;
  /** Everything it wrote to stderr so far (progress and errors). */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnLifeline(
  args: string[],
  env: Record<string, string>,
  options: { compiled?: boolean } = {},
): LifelineProcess {
  // `compiled`: the tsc build in dist/ (what production runs).
  const entry = options.compiled ? ['dist/main.js'] : ['bin/lifeline'];
  // With the heap flags every launcher uses, so memory and GC behave as in production.
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...entry, ...args], {
    cwd: root,
    env: { ...process.env, LIFELINE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errText = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      errText += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+?)(?: |\n)/.exec(errText);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`lifeline exited (${code}) before listening:\n${errText}`)),
    );
  });
  url.catch(() => undefined);
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    url,
    stderr: () => errText,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
