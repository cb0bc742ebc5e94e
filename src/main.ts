/**
 * The `lifeline` entry point: every command, including `serve`, starts here.
 * The composition root that wires adapters for the service is `src/service/compose.ts`.
 */
import { buildProgram } from './cli/program.js';

// Only the command asked for is loaded (src/cli/program.ts).
await (await buildProgram(process.argv)).parseAsync(process.argv);
