/**
 * The `lifeline` entry point: every command, including `serve`, starts here.
 * The composition root that wires adapters for the service is `src/service/compose.ts`.
 */
import { buildProgram } from './cli/program.js';

await buildProgram().parseAsync(process.argv);
