import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerAuditCommands } from './audit.js';
import { registerBatchCommands } from './batch.js';
import { registerDoctorCommand } from './doctor.js';
import { registerHandoffCommand } from './handoff.js';
import { registerKeyCommands } from './keys.js';
import { registerLicenseCommands } from './license.js';
import { registerMigrateCommand } from './migrate.js';
import { registerRequestCommands } from './request.js';
import { registerServeCommands } from './serve.js';
import { registerAccessCommands } from './tokens.js';

/** The whole command tree. Each command group lives in its own file and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('lifeline')
    .description('Emergency GitLab licenses for customers whose paid license just ran out.')
    .version(packageVersion(), '-V, --version', 'print the version of Lifeline')
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerKeyCommands(program);
  registerLicenseCommands(program);
  registerServeCommands(program);
  registerMigrateCommand(program);
  registerAccessCommands(program);
  registerAuditCommands(program);
  registerRequestCommands(program);
  registerBatchCommands(program);
  registerHandoffCommand(program);
  registerDoctorCommand(program);
  return program;
}

/** The version in package.json, one level above both src/ and dist/. */
function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}
