/**
 * The `lifeline` entry point: every command, including `serve`, starts here.
 * The composition root that wires adapters for the service is `src/service/compose.ts`.
 */
import { processIo } from './cli/io.js';
import { runCli } from './cli/run-cli.js';

// Only the command asked for is loaded (src/cli/program.ts). The exit code is set, not forced:
// `serve` and `worker` keep running after their command returns.
process.exitCode = await runCli(process.argv.slice(2), processIo);
