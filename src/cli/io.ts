/**
 * Where a command's input and output are: the process's own streams and environment when
 * `bin/lifeline` runs, or those a caller gives `runCli` (src/cli/run-cli.ts) when a test runs
 * a command in its own process. Every command reads them from here, never from `process`, so
 * one command run in-process does not write to the test runner's stdout or read its stdin.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  /** Ends the command with this exit code (the process's own exit, or a throw in-process). */
  exit(code: number): never;
}

/** One command's run: its streams and the exit code it ends with unless it exits early. */
export interface CliRun extends CliIo {
  exitCode: number;
}

/** Thrown by an in-process run's `exit`, so the stack unwinds (closing stores) to runCli. */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`lifeline exited with code ${code}`);
  }
}

export const processIo: CliIo = {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  exit: (code) => process.exit(code),
};

const current = new AsyncLocalStorage<CliRun>();
// The real process's one command (bin/lifeline), set without the AsyncLocalStorage: once an
// AsyncLocalStorage runs, Node hooks every promise the process makes for as long as it lives,
// and `lifeline serve` makes several hundred per request (about 4 % of a batch's CPU).
let processRun: CliRun | undefined;
// Outside runCli (a command module imported by a test on its own), the process's streams.
const outside: CliRun = { ...processIo, exitCode: 0 };

/** The streams and environment of the command running now. */
export function cli(): CliRun {
  return current.getStore() ?? processRun ?? outside;
}

/**
 * Runs `work` with `run` as its command's streams: the process's own command (`ownProcess`),
 * or one of many a test runs in its process, each in its own async context.
 */
export function runWithIo<T>(run: CliRun, work: () => Promise<T>, ownProcess = false): Promise<T> {
  if (!ownProcess) return current.run(run, work);
  processRun = run;
  return work();
}
