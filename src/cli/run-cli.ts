import { CommanderError } from 'commander';
import { CliExit, processIo, runWithIo, type CliIo, type CliRun } from './io.js';
import { buildProgram } from './program.js';

/**
 * Runs one `lifeline` command (`argv` without node and the script, e.g. `['tokens', 'list']`)
 * and resolves to its exit code. `bin/lifeline` calls it with the process's own streams; a test
 * calls it with its own, so a command costs no process start. A given `io.env` is copied: the
 * `.env` a command reads joins the copy, not the caller's object.
 *
 * `serve` and `worker` run until a signal ends the process: they are for the real binary.
 */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const inProcess = io.exit === undefined;
  const run: CliRun = {
    ...processIo,
    exit: (code) => {
      throw new CliExit(code);
    },
    ...io,
    // The real process keeps process.env itself (what its own modules read); a caller's is copied.
    env: io.env === undefined || io.env === process.env ? process.env : { ...io.env },
    exitCode: 0,
  };
  const args = ['node', 'lifeline', ...argv];
  return runWithIo(
    run,
    async () => {
      try {
        await (await buildProgram(args)).parseAsync(args);
        return run.exitCode;
      } catch (error) {
        if (error instanceof CliExit) return error.code;
        if (error instanceof CommanderError) return error.exitCode;
        // What an uncaught error does to the real process: its stack on stderr, exit code 1.
        if (!inProcess) throw error;
        run.stderr.write(
          `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        return 1;
      }
    },
    !inProcess,
  );
}
