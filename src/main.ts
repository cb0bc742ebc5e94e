/**
 * The `lifeline` entry point: every command, including `serve`, starts here.
 * The composition root that wires adapters for the service is `src/service/compose.ts`.
 */
import { processIo } from './cli/io.js';
import { runCli } from './cli/run-cli.js';

// `lifeline audit export | head -1`: the reader closing the pipe ends the command, quietly, as
// for any Unix tool, instead of an EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Only the command asked for is loaded (src/cli/program.ts). The exit code is set, not forced:
// `serve` and `worker` keep running after their command returns.
process.exitCode = await runCli(process.argv.slice(2), processIo);
